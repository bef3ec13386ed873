/**
 * The mock's own routes, for the bin and for tests in other languages: under a prefix no BCE
 * path can have (BCE paths start with /v{n}/), answered only to loopback clients, never signed.
 *
 *   GET    /__mock/journal   the journal, oldest first: { entries: [...] }
 *   DELETE /__mock/journal   clear it
 *   GET    /__mock/faults    steps still queued, by target
 *   POST   /__mock/faults    queue steps: { "target": "reinstallVmInstance" | "/v2/instance/i-1", "steps": [{ "status": 503 }, {}] }
 *   DELETE /__mock/faults    drop every queued step
 *   GET    /__mock/actions   how many times each operation took effect: { reinstallVmInstance: 1 }
 *   POST   /__mock/reset     all of the above back to empty
 */
import { closestName } from "./closest-name.js";
import type { Exchange } from "./exchange.js";
import type { FaultScripts } from "./faults.js";
import type { Journal } from "./journal.js";

export const ADMIN_PREFIX = "/__mock/";
const MAX_ADMIN_BODY = 1024 * 1024;
/** The methods each route takes (the switch below), for a 405's `Allow` and a 404's list. A Map: a path may read `constructor`. */
const ROUTE_METHODS = new Map([
  ["journal", ["GET", "DELETE"]],
  ["faults", ["GET", "POST", "DELETE"]],
  ["actions", ["GET"]],
  ["reset", ["POST"]],
]);

export interface AdminState {
  journal: Journal;
  faults: FaultScripts;
  reset(): void;
  actions(): Record<string, number>;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4 === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * `localhost`, `127.x.x.x`, `[::1]`, or 127.x.x.x mapped into IPv6 (`[::ffff:127.0.0.1]`, which
 * fetch sends as `[::ffff:7f00:1]`), with or without a port.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  return (
    host !== undefined &&
    /^(localhost|127(\.\d{1,3}){3}|\[(::1|::ffff:(127(\.\d{1,3}){3}|7f[\da-f]{2}:[\da-f]{1,4}))\])(:\d{1,5})?$/i.test(
      host,
    )
  );
}

export async function handleAdmin(x: Exchange, state: AdminState): Promise<void> {
  const { req, res } = x;
  if (!isLoopback(req.socket.remoteAddress)) {
    return x.error(403, "AccessDenied", `${ADMIN_PREFIX} is answered to loopback clients only`);
  }
  // A page on another name that resolves to loopback (DNS rebinding) sends its own Host.
  if (!isLoopbackHost(req.headers.host)) {
    return x.error(
      403,
      "AccessDenied",
      `${ADMIN_PREFIX} is answered for a loopback Host only (localhost, 127.0.0.1, [::1])`,
    );
  }
  const name = x.entry.path.slice(ADMIN_PREFIX.length);
  const route = `${req.method} ${name}`;
  const json = (status: number, value: unknown) =>
    x.send(status, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(value));
  switch (route) {
    case "GET journal":
      return json(200, { limit: state.journal.limit, entries: state.journal.entries() });
    case "DELETE journal":
      state.journal.clear();
      return json(200, {});
    case "GET faults":
      return json(200, state.faults.pending());
    case "DELETE faults":
      state.faults.clear();
      return json(200, {});
    case "GET actions":
      return json(200, state.actions());
    case "POST reset":
      state.reset();
      return json(200, {});
    case "POST faults": {
      const raw = await x.readBody(MAX_ADMIN_BODY);
      if (!raw) return;
      let body: { target?: unknown; steps?: unknown };
      try {
        body = JSON.parse(raw.toString("utf8")) as typeof body;
      } catch (error) {
        // JSON.parse's message quotes the body's first characters, which may start a secret no form
        // matches: the message says where it failed alone.
        const at = /position (\d+)/.exec((error as Error).message)?.[1];
        return x.error(400, "MalformedJSON", `The body is not JSON${at === undefined ? "" : ` (at position ${at})`}`);
      }
      try {
        if (!body || typeof body !== "object" || Array.isArray(body))
          throw new TypeError("the body must be an object { target, steps }");
        // A field the route does not read (`step`, `repeat`) would be ignored: the test would script
        // other faults than it reads as scripting.
        for (const key of Object.keys(body))
          if (key !== "target" && key !== "steps") {
            const meant = closestName(key, ["target", "steps"]);
            throw new TypeError(
              `${key} is not a field of the body { target, steps }${meant ? `; did you mean ${meant}?` : ""}`,
            );
          }
        if (typeof body.target !== "string")
          throw new TypeError("target must be an operationId or a path starting with /");
        if (!Array.isArray(body.steps)) throw new TypeError("steps must be an array of fault steps");
        state.faults.enqueue(body.target, body.steps);
      } catch (error) {
        return x.error(400, "InvalidHTTPRequest", (error as Error).message);
      }
      return json(201, state.faults.pending());
    }
    default: {
      const allowed = ROUTE_METHODS.get(name);
      if (allowed) {
        res.setHeader("allow", allowed.join(", "));
        return x.error(
          405,
          "MethodNotAllowed",
          `${ADMIN_PREFIX}${name} takes ${allowed.join(", ")}, not ${req.method}`,
        );
      }
      return x.error(
        404,
        "NotFound",
        `No mock route ${req.method} ${ADMIN_PREFIX}${name}; see ${[...ROUTE_METHODS].map(([path, methods]) => `${methods.join("/")} ${ADMIN_PREFIX}${path}`).join(", ")}`,
      );
    }
  }
}
