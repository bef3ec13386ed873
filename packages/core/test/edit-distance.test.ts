// The edit distance the clients' option check and the mock's share: a swap of neighbours is one
// edit, as an insertion, a deletion or a substitution is.
import { describe, expect, it } from "vitest";
import { checkOptionNames, editDistance } from "../src/edit-distance.js";

describe("editDistance", () => {
  it.each([
    ["endpoint", "endpoint", 0],
    ["endpiont", "endpoint", 1], // two neighbours swapped
    ["prot", "port", 1],
    ["header", "headers", 1],
    ["timeout", "timeoutms", 2],
    ["", "retry", 5],
    ["retry", "", 5],
    ["ca", "abc", 3], // optimal string alignment: no edit of a swapped pair
    ["Endpoint", "endpoint", 1], // case respected: callers lowercase both
  ])("%s -> %s: %d", (a, b, want) => {
    expect(editDistance(a, b)).toBe(want);
    expect(editDistance(b, a)).toBe(want);
  });
});

describe("checkOptionNames", () => {
  // One edit for a name under 8 characters, two from 8 on (`endpoint` is 8).
  it.each([
    ["enpiont", "endpoint"],
    ["timeotMs", "timeoutMs"],
    ["retyr", "retry"],
  ])("refuses %s, naming %s", (key, meant) => {
    expect(() => checkOptionNames([key], ["endpoint", "retry", "timeoutMs"])).toThrow(`did you mean ${meant}?`);
  });

  it("lets a key two edits from a short name pass", () => {
    expect(() => checkOptionNames(["reply"], ["retry"])).not.toThrow();
  });
});
