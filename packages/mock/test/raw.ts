import { connect } from "node:net";

/** A parsed HTTP/1.1 answer read off a raw socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything received, interim answers (100 Continue) included. */
  raw: string;
}

/**
 * Writes `first` to a fresh connection (then `next.write` once `next.when` holds of what was
 * received), and resolves with the answer when the server closes the connection; with `end`, the
 * client closes its side after writing. Ends on events only: no timers.
 */
export function rawExchange(
  port: number,
  first: string | Buffer,
  next?: { when: (received: string) => boolean; write: string | Buffer },
  { end = false, allowNoAnswer = false } = {},
): Promise<RawAnswer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let sentNext = false;
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (next && !sentNext && next.when(received)) {
        sentNext = true;
        socket.write(next.write);
      }
    });
    socket.on("error", () => {}); // a reset after the answer still leaves `received` to check
    socket.on("close", () => {
      try {
        resolve(allowNoAnswer && !/HTTP\/1\.1 \d{3}/.test(received) ? undefined : parseLast(received));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(first);
    if (end) socket.end();
  });
}

/** The last (final) answer of the stream; throws when there is none. */
export function parseLast(raw: string): RawAnswer {
  const starts = [...raw.matchAll(/HTTP\/1\.1 (\d{3})[^\r\n]*\r\n/g)].filter((m) => m[1] !== "100");
  const start = starts[0];
  if (!start) throw new Error(`no HTTP answer in ${JSON.stringify(raw.slice(0, 200))}`);
  const headEnd = raw.indexOf("\r\n\r\n", start.index);
  const head = raw.slice(start.index, headEnd).split("\r\n").slice(1);
  const headers: Record<string, string> = {};
  for (const line of head) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = raw.slice(headEnd + 4);
  return { status: Number(start[1]), headers, body: Buffer.from(body, "latin1").toString("utf8"), raw };
}
