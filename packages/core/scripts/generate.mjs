// Writes src/generated/ from the bundled spec: what core applies or types that the spec states (the
// adminPass rules, the error codes), so that core states none of its own. Each bundle is read once.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { errorCodes } from "./error-codes.mjs";
import { passwordPolicies } from "./password-policies.mjs";

const require = createRequire(import.meta.url);
const load = (name) => JSON.parse(readFileSync(require.resolve(`@bce-openapi/spec/${name}.json`), "utf8"));
const bundles = { bec: load("bec"), bcc: load("bcc") };

const out = new URL("../src/generated/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL("password-policies.ts", out), passwordPolicies(bundles));
writeFileSync(new URL("error-codes.ts", out), errorCodes(bundles));
