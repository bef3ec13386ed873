// Prism's path matcher, uri-template-lite, exports through its top-level `this`; under vitest's vm
// pools that is the global object and the export is lost. startMock gives it back (the consumer
// tests run a mock in those pools; here the repair is checked on its own).
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { repairUriTemplateExport } from "../src/uri-template.js";

const fromPrism = createRequire(createRequire(import.meta.url).resolve("@stoplight/prism-http"));
const exported = fromPrism("uri-template-lite") as { URI?: { Template?: unknown } };
const own = exported.URI;
const global = globalThis as { URI?: unknown };

afterEach(() => {
  exported.URI = own;
  delete global.URI;
});

describe("repairUriTemplateExport", () => {
  it("puts back an export the module left on the global object", () => {
    expect(typeof own?.Template).toBe("function");
    delete exported.URI;
    global.URI = own;
    repairUriTemplateExport();
    expect(exported.URI).toBe(own);
  });

  it("leaves an export that is there alone, and takes nothing that is not the module's", () => {
    global.URI = { Template: () => undefined };
    repairUriTemplateExport();
    expect(exported.URI).toBe(own);
    delete exported.URI;
    global.URI = { something: "else" };
    repairUriTemplateExport();
    expect(exported.URI).toBeUndefined();
  });

  it("does nothing, and throws nothing, where Prism cannot be resolved (a bundled mock)", () => {
    delete exported.URI;
    global.URI = own;
    const nowhere = Object.assign(() => undefined, {
      resolve: () => {
        throw Object.assign(new Error("Cannot find module '@stoplight/prism-http'"), { code: "MODULE_NOT_FOUND" });
      },
    }) as unknown as NodeJS.Require;
    expect(() => repairUriTemplateExport(nowhere)).not.toThrow();
    expect(exported.URI).toBeUndefined();
  });
});
