import type { IncomingMessage, ServerResponse } from "node:http";
import { asciiSafe, BCE_CONTENT_TYPE, REQUEST_ID_HEADER, sendError, sendJson } from "./errors.js";
import type { ErrorForm } from "./faults.js";
import { hideDecodedSecrets, redactHeaders, type Journal, type JournalEntry } from "./journal.js";

/** The exchange of each response in flight, for what Node's parser refuses after the head was read. */
const exchanges = new WeakMap<ServerResponse, Exchange>();

/** The exchange a response belongs to, if it has one. */
export const exchangeOfResponse = (res: ServerResponse): Exchange | undefined => exchanges.get(res);

/** One request and its answer, recorded in the journal whatever the answer is. */
export class Exchange {
  readonly entry: JournalEntry;
  #recorded = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    private readonly ctx: {
      journal: Journal;
      now: () => number;
      hidden: readonly string[];
      live: Set<Exchange>;
      accessKeyIds: ReadonlySet<string>;
    },
  ) {
    const at = new Date(ctx.now()); // may throw (a failing clock): before anything is set on res
    const raw = req.url ?? "";
    const q = raw.indexOf("?");
    this.entry = {
      requestId,
      receivedAt: at.toISOString(),
      method: req.method ?? "",
      path: q < 0 ? raw : raw.slice(0, q),
      query: q < 0 ? "" : raw.slice(q + 1),
      headers: redactHeaders(req.headers, ctx.accessKeyIds),
      body: "",
      bodyBytes: 0,
      signature: "not-checked",
    };
    // BCE sends the request id on every response, success or error; the Date is the mock's clock.
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.setHeader("date", at.toUTCString());
    res.on("close", () => this.settle());
    ctx.live.add(this);
    exchanges.set(res, this);
  }

  /**
   * Notes how the exchange ended (its status, or 0 unanswered) and that it is no longer in flight.
   * Run when the response closes, and by the mock's close() for every exchange still in flight,
   * so that one it cuts off is noted before the journal closes.
   */
  settle(): void {
    this.ctx.live.delete(this);
    this.answered(this.res.headersSent ? this.res.statusCode : 0);
  }

  /** Puts the request in the journal (admin requests are left out). */
  record(): void {
    this.#recorded = true;
    this.ctx.journal.add(this.entry);
  }

  /** Notes the answer in the journal; the first note wins. */
  answered(status: number, code?: string): void {
    if (this.#recorded)
      this.ctx.journal.answered(this.entry, status, code && hideDecodedSecrets(code, this.ctx.hidden));
  }

  /**
   * The answer is noted once its head is accepted: a status Node refuses is never journaled as
   * answered. A secret the mock knows, which a message may quote from the request (a path, an
   * Accept or Prefer header), or a caller's code or message may hold (a scripted fault, an
   * `authenticate`), reads `<redacted>` as in the journal, spelled with escapes too.
   */
  error(status: number, code: string, message: string, form: ErrorForm = "bce"): void {
    const hide = (text: string) => hideDecodedSecrets(text, this.ctx.hidden);
    const shownCode = hide(code);
    const shownMessage = hide(message);
    const written = () => this.answered(status, shownCode);
    if (form === "bce") sendError(this.res, this.requestId, status, shownCode, shownMessage, written);
    // BEC's error chapter (https://cloud.baidu.com/doc/BEC/s/5k4106ncs): its platform's errors as
    // { code, msg, data }, its gateway's in two headers, with no body.
    else if (form === "bec-platform")
      sendJson(this.res, status, { code: shownCode, msg: asciiSafe(shownMessage), data: null }, written);
    else {
      this.res.writeHead(status, {
        "x-bce-error-code": shownCode,
        "x-bce-error-message": asciiSafe(shownMessage),
        "content-type": BCE_CONTENT_TYPE,
        "content-length": 0,
      });
      written();
      this.res.end();
    }
  }

  send(status: number, headers: Record<string, string>, payload: string, truncate = false): void {
    const { res } = this;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const bytes = Buffer.from(payload);
    // Declares the whole body; a truncated answer then sends half of it (nothing of an empty one) and cuts the connection.
    // A 204 or 304 has no body, nor a Content-Length (RFC 9110, sections 8.6 and 15.4.5).
    if (status !== 204 && status !== 304)
      res.setHeader("content-length", truncate ? Math.max(bytes.length, 1) : bytes.length);
    res.writeHead(status);
    // Noted once the head is accepted and before the answer leaves, so a client that has its answer finds it in the journal.
    this.answered(status);
    if (!truncate) {
      res.end(bytes);
      return;
    }
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
  }

  drop(): void {
    this.answered(0);
    this.req.socket.destroy();
  }

  /**
   * The request body, or undefined when it has been answered instead, with the connection closed:
   * 413 for a body over `limit`, declared or not, and 400 for a Content-Length that is no number.
   * A declared length is judged before a byte is read (or asked for, with Expect: 100-continue).
   */
  async readBody(limit: number): Promise<Buffer | undefined> {
    const { req, res } = this;
    const declared = req.headers["content-length"];
    if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > limit)) {
      closeAfterAnswer(req, res);
      if (/^\d+$/.test(declared))
        this.error(413, "EntityTooLarge", `Request body of ${declared} bytes exceeds ${limit} bytes`);
      else this.error(400, "InvalidHTTPRequest", "Content-Length is not a number");
      return undefined;
    }
    if (req.headers.expect !== undefined) res.writeContinue();
    const body = await readBody(req, limit);
    if (!body) {
      closeAfterAnswer(req, res);
      this.error(413, "EntityTooLarge", `Request body exceeds ${limit} bytes`);
    }
    return body;
  }
}

/**
 * The raw body, or undefined as soon as it passes the limit (a chunked body declares no length):
 * reading stops there and the 413 goes out at once; its `connection: close` ends the rest.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (settle: () => void) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.pause();
      finish(() => resolve(undefined));
    };
    const onEnd = () => finish(() => resolve(Buffer.concat(chunks)));
    const onError = (error: Error) => finish(() => reject(error));
    const onClose = () => finish(() => reject(new Error("the client closed the connection before the body ended")));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** How long the rest of a request body answered before it was read may take to come, and be dropped. */
const LINGER_MS = 5_000;

/**
 * Answer with `connection: close` before the request body is read (413, 417), and close the
 * connection gracefully: Node closes it as soon as the answer is sent, and a connection closed with
 * bytes of the body still arriving is reset, which can throw the answer away before the client
 * reads it (a flaky `EntityTooLarge` in a contract test). So, as nginx's lingering close does, the
 * mock ends its side, then reads and drops what the client still sends until the client closes, or
 * for at most LINGER_MS.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  const socket = req.socket;
  // What Node calls once an answer with `connection: close` is sent (net.Socket#destroySoon).
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    socket.once("end", () => socket.destroy());
    socket.on("error", () => socket.destroy());
    req.resume();
    socket.resume();
  };
}
