// Shared by the canonicalization and signing oracle tests: which inputs the plain form they compare
// against read as the lean one does (see test/canonical-oracle.test.ts).

/** Whether decodeURIComponent reads `piece`: its escapes UTF-8, and no `%` that escapes nothing. */
export const decodes = (piece: string): boolean => {
  try {
    decodeURIComponent(piece);
    return true;
  } catch {
    return false;
  }
};
