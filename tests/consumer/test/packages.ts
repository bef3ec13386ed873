import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The published packages and their folders. Everything else in the workspace is private. */
export const PUBLISHED = {
  "@bce-openapi/spec": "spec",
  "@bce-openapi/core": "packages/core",
  "@bce-openapi/bec": "packages/bec",
  "@bce-openapi/bcc": "packages/bcc",
  "@bce-openapi/mock": "packages/mock",
} as const;

export type PackageName = keyof typeof PUBLISHED;
export const packageNames = Object.keys(PUBLISHED) as PackageName[];
export const packageDir = (name: PackageName) => join(root, PUBLISHED[name]);

/** What the global setup provides: the folder of the tarballs and each package's tarball. */
export interface Packed {
  dir: string;
  tarballs: Record<PackageName, string>;
  /** The paths inside each tarball (under package/). */
  files: Record<PackageName, string[]>;
}

declare module "vitest" {
  export interface ProvidedContext {
    packed: Packed;
  }
}
