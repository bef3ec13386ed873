// A body cut at 64 KiB may end inside a secret's spelling, which no whole form of it matches: the
// journal hides such an end (#hideCut). These tests hold its scan, which hashes the reads of the
// places near the end, to the plain one it replaced (every read built as a string and compared),
// and show that the scan no longer grows with the square of a long secret.
import { secretForms } from "@bce-openapi/core/internal";
import fc from "fast-check";
import { expect, it } from "vitest";
import { Journal, type JournalEntry, MAX_JOURNAL_BODY } from "../src/journal.js";

/**
 * The scan as it was (each place's read, its escapes read, built as a string, then compared), in a
 * window of six characters for each of the longest form's.
 */
function oracleCut(body: string, forms: readonly string[]): string {
  const start = Math.max(0, body.length - 6 * Math.max(0, ...forms.map((form) => form.length)));
  const escapeAt = /\\u[0-9a-fA-F]{4}|%[0-9a-fA-F]{2}|\\[^u]|(?:\\u[0-9a-fA-F]{0,3}|%[0-9a-fA-F]?|\\)$/y;
  const readEscape = (e: string) =>
    /^\\u[0-9a-fA-F]{4}$/.test(e)
      ? String.fromCharCode(Number.parseInt(e.slice(2), 16))
      : /^%[0-9a-fA-F]{2}$/.test(e)
        ? String.fromCharCode(Number.parseInt(e.slice(1), 16))
        : e.length === 2 && e[0] === "\\" && e[1] !== "u"
          ? e[1]!
          : "";
  const reads: string[] = [];
  reads[body.length] = "";
  for (let i = body.length - 1; i >= start; i--) {
    escapeAt.lastIndex = i;
    const found = escapeAt.exec(body)?.[0];
    reads[i] = found === undefined ? body[i]! + reads[i + 1]! : readEscape(found) + reads[i + found.length]!;
  }
  for (let at = start; at <= body.length - 4; at++) {
    const read = reads[at]!;
    if (read.length >= 4 && forms.some((form) => form.startsWith(read))) return `${body.slice(0, at)}<redacted>`;
  }
  return body;
}

const entry = (body: string, bodyBytes: number): JournalEntry => ({
  requestId: "r",
  receivedAt: "",
  method: "PUT",
  path: "/",
  query: "",
  headers: {},
  body,
  bodyBytes,
  signature: "not-checked",
});

/** What the journal shows of `body`: as the end of a cut body (first), and as a whole body (second). */
function shown(secrets: string[], cutBody: string, wholeBody: string): [string, string] {
  const journal = new Journal(2, secrets);
  journal.add(entry(cutBody, MAX_JOURNAL_BODY + 1));
  journal.add(entry(wholeBody, wholeBody.length));
  const [cut, whole] = journal.entries();
  return [cut!.body, whole!.body];
}

const secretChar = fc.constantFrom(..."abcXYZ019-_./+%\\~!");
const secret = fc.string({ unit: secretChar, minLength: 8, maxLength: 24 });

/** The ways a body may spell a character of a secret: as it is, JSON- or percent-escaped, escaped twice. */
const spellings = (c: string) => {
  const hex = c.charCodeAt(0).toString(16);
  return [
    c,
    `\\u${hex.padStart(4, "0")}`,
    `\\u${hex.padStart(4, "0").toUpperCase()}`,
    `%${hex.padStart(2, "0").toUpperCase()}`,
    `%25${hex.padStart(2, "0")}`,
    // Its percent escape, JSON-escaped: eighteen characters for one.
    [...`%${hex.padStart(2, "0").toUpperCase()}`]
      .map((e) => `\\u${e.charCodeAt(0).toString(16).padStart(4, "0")}`)
      .join(""),
    c === '"' || c === "\\" ? `\\${c}` : c,
  ];
};

it("hides the end of a cut body exactly where the plain scan did, on random bodies and secrets", () => {
  let hidden = 0;
  fc.assert(
    fc.property(
      fc.array(secret, { minLength: 1, maxLength: 2 }),
      fc.nat(),
      fc.nat(),
      fc.string({ maxLength: 40 }),
      fc.array(
        fc.oneof(fc.constantFrom("\\u00", "\\u0", "%6", "%", "\\", "%25", '\\"', "a"), fc.string({ maxLength: 3 })),
        {
          maxLength: 4,
        },
      ),
      fc.infiniteStream(fc.nat()),
      (secrets, which, cutAt, before, noise, choices) => {
        const forms = secretForms(secrets);
        // The end: a form of a secret, or the secret spelt character by character in mixed
        // escapes, cut at a random place, with a little noise before or after.
        const chosen = forms[which % forms.length]!;
        const mixed = [...secrets[which % secrets.length]!]
          .map((c) => {
            const ways = spellings(c);
            return ways[choices.next().value % ways.length]!;
          })
          .join("");
        const source = which % 2 === 0 ? chosen : mixed;
        const tail = source.slice(0, 1 + (cutAt % source.length));
        const body = cutAt % 3 === 0 ? `${before}${tail}${noise.join("")}` : `${before}${noise.join("")}${tail}`;
        const expected = oracleCut(body, forms);
        if (expected !== body) hidden++;
        // The rest of the journal's hiding is the same for both: the oracle's cut, shown as a
        // whole body, must read as the journal's own cut.
        const [cut, whole] = shown(secrets, body, expected);
        expect(cut).toBe(whole);
      },
    ),
    { numRuns: 1500 },
  );
  // Many cases end inside a secret: the property compares hidden ends, not only bodies left alone.
  // About a third do (505 of 1,500 on average, a standard deviation of about 18).
  expect(hidden).toBeGreaterThan(350);
});

it("reads a cut body's end in time linear in a long secret: 50 bodies, a 10,000-character session token", () => {
  // The plain scan flattened a string per place, each as long as the secret's read: about 3 s a
  // body here, minutes for the journal, which the test's timeout (the only clock) cuts short.
  const token = "T0k".repeat(3334).slice(0, 10_000);
  const journal = new Journal(60, ["mock-secret-access-key-0123456789", token]);
  const escaped = (text: string) =>
    text.replace(/[\s\S]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const filler = escaped("a".repeat(Math.floor(MAX_JOURNAL_BODY / 6)));
  for (let i = 0; i < 50; i++) journal.add(entry(filler, MAX_JOURNAL_BODY + 10));
  // And one whose cut goes through the token, JSON-escaped: its start is hidden.
  const through = `{"note":"${"a".repeat(MAX_JOURNAL_BODY - 60_000 - 9)}${escaped(token).slice(0, 60_000)}`;
  journal.add(entry(through, MAX_JOURNAL_BODY + 10));
  const entries = journal.entries();
  expect(entries.slice(0, 50).every((e) => e.body === filler)).toBe(true);
  expect(entries[50]!.body).toBe(`{"note":"${"a".repeat(MAX_JOURNAL_BODY - 60_000 - 9)}<redacted>`);
}, 60_000);

it("hides the start of a secret key a cut body ends in, percent-escaped and then JSON-escaped (18 characters a character)", () => {
  const key = "mock-secret-access-key-0123456789";
  const journal = new Journal(1, [key]);
  const spelt = [...key.slice(0, 30)]
    .map((c) =>
      [...`%${c.charCodeAt(0).toString(16).toUpperCase()}`]
        .map((e) => `\\u${e.charCodeAt(0).toString(16).padStart(4, "0")}`)
        .join(""),
    )
    .join("");
  const filler = "a".repeat(MAX_JOURNAL_BODY - spelt.length);
  journal.add(entry(`${filler}${spelt}`, MAX_JOURNAL_BODY + 100));
  expect(journal.entries()[0]!.body).toBe(`${filler}<redacted>`);
});
