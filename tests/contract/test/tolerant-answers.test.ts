// A done reinstall is never reported as failed: the mock plays the spec's `evolvedAnswer` (an
// unknown status and disk type, fields the spec does not name, a null publicIp, details without
// their optional parts) through Prism, and the BEC client resolves with it in every mode.
import { createBecClient } from "@bce-openapi/bec";
import { DEFAULT_CREDENTIALS, startMock, type MockServer } from "@bce-openapi/mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examples, spec } from "./helpers.js";

const evolved = spec.components.examples.BecReinstallEvolvedResponseExample!.value as Record<string, any>;
const BEC_BODY = examples.becRequest as Parameters<ReturnType<typeof createBecClient>["reinstallVmInstance"]>[1];

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock.close());

const reinstall = (validateResponses: "off" | "warn" | "strict", warnings: string[] = []) =>
  createBecClient({
    endpoint: mock.url,
    credentials: DEFAULT_CREDENTIALS,
    headers: { prefer: "example=evolvedAnswer" },
    validateResponses,
    logger: { debug() {}, info() {}, warn: (message: string) => warnings.push(message), error() {} },
  }).reinstallVmInstance("vm-6ahy6dli", BEC_BODY);

describe("an answer from a service that has moved on, through the mock", () => {
  it("is what the spec's evolvedAnswer says: values and fields the seed never showed", () => {
    const vm = evolved.details;
    const schemas = spec.components.schemas as Record<string, { anyOf: [{ enum: string[] }] }>;
    expect(schemas.VmInstanceStatus!.anyOf[0].enum).not.toContain(vm.status);
    const diskTypes = [
      vm.systemVolume?.volumeType,
      ...(vm.dataVolumeList ?? []).map((v: { volumeType?: string }) => v.volumeType),
    ];
    expect(diskTypes.some((t) => t !== undefined && !schemas.DiskType!.anyOf[0].enum.includes(t))).toBe(true);
    expect(vm.publicIp).toBeNull();
    expect(vm).not.toHaveProperty("rootDiskSize");
    expect(Object.keys(vm).length).toBeGreaterThan(3);
  });

  it.each(["off", "warn", "strict"] as const)(
    "validateResponses %s: the call resolves with the body and its metadata",
    async (mode) => {
      const warnings: string[] = [];
      const result = await reinstall(mode, warnings);
      const { $metadata, ...body } = result;
      expect(body).toEqual(evolved);
      expect($metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
      expect($metadata.requestId).not.toBe("");
      // The spec describes what the service may send, so there is nothing to warn about either.
      expect(warnings).toEqual([]);
    },
  );

  it("the mock served that example, not the seed's", async () => {
    const result = await reinstall("off");
    expect(result.details?.status).toBe(evolved.details.status);
    expect(result).not.toEqual(expect.objectContaining(examples.becResponse));
  });
});
