import { editDistance } from "@bce-openapi/core/internal";

/**
 * The known name a misspelt one likely meant, case ignored (`prot` is `port`, `noAuth` is `auth`):
 * the closest, when it is near (within 2 edits, or half its length); otherwise undefined. The
 * options of startMock and of the CLI are named by it.
 */
export function closestName(given: string, names: readonly string[]): string | undefined {
  const distance = (name: string) => editDistance(given.toLowerCase(), name.toLowerCase());
  const closest = names.reduce((best, name) => (distance(name) < distance(best) ? name : best));
  return distance(closest) <= Math.max(2, Math.floor(closest.length / 2)) ? closest : undefined;
}
