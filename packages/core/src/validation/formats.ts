/**
 * The `format` values the validator asserts. JSON Schema 2020-12 makes `format` an annotation by
 * default; we assert the ones our spec relies on, and ignore the rest (e.g. OpenAPI's `password`).
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const IPV4_PART = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"; // 0-255, no leading zeros (RFC 2673 dotted-quad)
const IPV4 = /* @__PURE__ */ new RegExp(`^${IPV4_PART}(?:\\.${IPV4_PART}){3}$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 3339 date-time, with the field ranges checked (a regex alone accepts 2021-02-30). */
function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  const offsetOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
  return day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60 /* leap second */ && offsetOk;
}

/** IPv6 via the WHATWG URL host parser, present in Node, browsers and edge runtimes alike. */
function isIpv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return false; // also keeps `]` and `/` out of the URL
  try {
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

/** An asserted format: its check, and how a message names it ("must be a valid <description>"). */
export interface Format {
  readonly check: (s: string) => boolean;
  readonly description: string;
}

// Each format is exported on its own as `<camelCase name>Format` (the generated request checks
// import the ones their spec uses, and only those end up in a client's bundle).
export const dateTimeFormat: Format = {
  check: isDateTime,
  description: "date-time (RFC 3339, e.g. 2021-03-01T10:34:06Z)",
};
export const ipv4Format: Format = { check: (s) => IPV4.test(s), description: "IPv4 address" };
export const ipv6Format: Format = { check: isIpv6, description: "IPv6 address" };
export const uuidFormat: Format = { check: (s) => UUID.test(s), description: "UUID" };

/** Checkers by format name; a format not listed here is an annotation and is not checked. */
export const FORMATS: Readonly<Record<string, Format>> = {
  "date-time": dateTimeFormat,
  ipv4: ipv4Format,
  ipv6: ipv6Format,
  uuid: uuidFormat,
};
