import { asciiSafe } from "./errors.js";

/** What a `Prefer` header asks of Prism, as Prism documents it: `code=500`, `example=InternalError`, `dynamic=true`. */
export interface Preference {
  code?: number;
  exampleKey?: string;
  dynamic?: boolean;
}

/** Parses `Prefer: code=503, example=ServiceUnavailable` (also `;`-separated). Throws a message naming the bad part. */
export function parsePrefer(header: string | string[] | undefined): Preference {
  if (header === undefined) return {};
  const text = Array.isArray(header) ? header.join(",") : header;
  const out: Preference = {};
  // Each preference once: two different values (from two Prefer headers, say) name no one answer.
  const given = new Map<string, string>();
  for (const part of text.split(/[,;]/)) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value =
      eq < 0
        ? ""
        : item
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, "$1");
    if (name === "code" || name === "example" || name === "dynamic") {
      const before = given.get(name);
      if (before !== undefined && before !== value)
        throw new Error(
          `Prefer: ${name} is given twice, as "${asciiSafe(before)}" and "${asciiSafe(value)}"; give it once`,
        );
      given.set(name, value);
    }
    if (name === "code") {
      if (!/^[1-5]\d\d$/.test(value))
        throw new Error(`Prefer: code must be an HTTP status such as 500, got "${value}"`);
      out.code = Number(value);
    } else if (name === "example") {
      if (!value) throw new Error("Prefer: example needs the name of one of the spec's examples");
      out.exampleKey = value;
    } else if (name === "dynamic") {
      if (value !== "true" && value !== "false")
        throw new Error(`Prefer: dynamic must be true or false, got "${value}"`);
      out.dynamic = value === "true";
    }
    // Other preferences (return=minimal, respond-async, ...) are not Prism's and are ignored, as RFC 7240 allows.
  }
  return out;
}
