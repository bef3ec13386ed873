import type { IncomingMessage, ServerResponse } from "node:http";
import { REQUEST_ID_HEADER, sendError } from "./errors.js";
import { redactHeaders, type Journal, type JournalEntry } from "./journal.js";

/** One request and its answer, recorded in the journal whatever the answer is. */
export class Exchange {
  readonly entry: JournalEntry;
  #recorded = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    private readonly ctx: { journal: Journal; now: () => number },
  ) {
    const raw = req.url ?? "";
    const q = raw.indexOf("?");
    this.entry = {
      requestId,
      receivedAt: new Date(ctx.now()).toISOString(),
      method: req.method ?? "",
      path: q < 0 ? raw : raw.slice(0, q),
      query: q < 0 ? "" : raw.slice(q + 1),
      headers: redactHeaders(req.headers),
      body: "",
      bodyBytes: 0,
      signature: "not-checked",
    };
    // BCE sends the request id on every response, success or error; the Date is the mock's clock.
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.setHeader("date", new Date(ctx.now()).toUTCString());
    res.on("close", () => this.answered(res.headersSent ? res.statusCode : 0));
  }

  /** Puts the request in the journal (admin requests are left out). */
  record(): void {
    this.#recorded = true;
    this.ctx.journal.add(this.entry);
  }

  /** Notes the answer in the journal; the first note wins. */
  answered(status: number, code?: string): void {
    if (this.#recorded) this.ctx.journal.answered(this.entry, status, code);
  }

  error(status: number, code: string, message: string): void {
    this.answered(status, code);
    sendError(this.res, this.requestId, status, code, message);
  }

  send(status: number, headers: Record<string, string>, payload: string, truncate = false): void {
    const { res } = this;
    // Noted before the answer leaves, so a client that has its answer finds it in the journal.
    this.answered(status);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const bytes = Buffer.from(payload);
    if (!truncate) {
      res.setHeader("content-length", bytes.length);
      res.writeHead(status);
      res.end(bytes);
      return;
    }
    // Declares the whole body, sends half of it (nothing of an empty one), then cuts the connection.
    res.setHeader("content-length", Math.max(bytes.length, 1));
    res.writeHead(status);
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
  }

  drop(): void {
    this.answered(0);
    this.req.socket.destroy();
  }
}
