import {
  BceValidationError,
  checkAdminPassPolicy,
  CredentialsError,
  checkCallOptions,
  checkPathParameter,
  checkRequestPart,
  createServiceClient,
  encryptAdminPass,
  requestIdOf,
  responseMetadata,
  rethrowAsBceError,
  serverUrl,
  unwrap,
  type BceClientOptions,
  type CallOptions,
  type CallStats,
  type ResponseMetadata,
} from "@bce-openapi/core/internal";
import type { Client } from "openapi-fetch";
import type { EncryptedAdminPass, paths, RebuildInstanceRequest } from "./generated/schema.js";
import { operations, pathParameters, schemaRoot, servers } from "./generated/service.js";

export type * from "./generated/schema.js";
export {
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
  CredentialsError,
  PasswordPolicyError,
  encryptAdminPass,
  type CallOptions,
  type Credentials,
  type CredentialsProvider,
  type Logger,
  type ResponseMetadata,
  type RetryContext,
  type RetryOptions,
} from "@bce-openapi/core";

/** BCC regions, as the spec's server variable lists them. */
export type BccRegion = (typeof servers)[0]["variables"]["region"]["enum"][number];

export interface BccClientOptions extends BceClientOptions {
  /** Region whose endpoint (bcc.{region}.baidubce.com) is called; the spec's default when left out. Ignored with `endpoint`. */
  region?: BccRegion;
}

/**
 * The rebuild request as the caller writes it. `adminPass` is the new password in plain text,
 * which the client checks against the password policy and encrypts with the secret access key
 * (the API wants it encrypted); or `{ encrypted }` with a ciphertext you made yourself.
 */
export type RebuildInstanceInput = Omit<RebuildInstanceRequest, "adminPass"> & {
  adminPass?: string | { encrypted: EncryptedAdminPass };
};

export interface RebuildInstanceResult {
  /** The request id BCE gave the call (`x-bce-request-id`); the rebuild answer has no body. */
  requestId: string;
  /** Status, request id, attempts and retry delay of the call. */
  $metadata: ResponseMetadata;
}

export interface BccClient {
  /**
   * Rebuild an instance from an image (PUT /v2/instance/{instanceId}?rebuild).
   *
   * The API has no idempotency token, so the call is retried only where the service cannot have
   * acted (connection refused, RequestExpired, throttling), never after a 500 or a timeout.
   * Resolves with the request id; rejects with BceValidationError (nothing sent), BceServiceError,
   * BceNetworkError, BceTimeoutError or BceAbortError.
   */
  rebuildInstance(instanceId: string, body: RebuildInstanceInput, options?: CallOptions): Promise<RebuildInstanceResult>;
  /** The typed openapi-fetch client, for everything the methods above do not cover. */
  readonly raw: Client<paths>;
}

const rebuild = operations.rebuildInstance;

/** A client for BCC in one region. */
export function createBccClient(options: BccClientOptions = {}): BccClient {
  const service = createServiceClient<paths>(options, serverUrl(servers[0], { region: options.region }), "bcc");
  return {
    raw: service.raw,
    async rebuildInstance(instanceId, input, callOptions = {}) {
      const id = checkPathParameter("instanceId", instanceId, pathParameters.instanceId);
      checkCallOptions(callOptions);
      const { adminPass, ...rest } = input ?? ({} as RebuildInstanceInput);
      if (typeof adminPass === "string") checkAdminPassPolicy(adminPass, "body.adminPass");
      // Credentials first: the password is encrypted with the key that signs the call.
      const credentials = await service.credentials();
      let wireAdminPass: unknown = adminPass;
      if (typeof adminPass === "string") {
        if (credentials.secretAccessKey.length < 16) {
          // The key's first 16 characters are the AES key; BCC keys are longer than that.
          throw new CredentialsError("secretAccessKey is shorter than 16 characters, too short to encrypt adminPass");
        }
        wireAdminPass = await encryptAdminPass(adminPass, credentials.secretAccessKey);
      }
      else if (typeof adminPass === "object" && adminPass !== null) {
        if (typeof adminPass.encrypted !== "string") {
          throw new BceValidationError("body.adminPass.encrypted", "type", "must be the ciphertext as a hex string");
        }
        wireAdminPass = adminPass.encrypted;
      }
      const body = (adminPass === undefined ? rest : { ...rest, adminPass: wireAdminPass }) as RebuildInstanceRequest;
      checkRequestPart(body, rebuild.requestBody, schemaRoot, "body");

      const stats: CallStats = { attempts: 0, totalRetryDelay: 0 };
      const result = await service.raw.PUT("/v{version}/instance/{instanceId}", {
        params: { path: { version: pathParameters.version.enum[0], instanceId: id }, query: { rebuild: "" } },
        body,
        parseAs: "text",
        ...service.callOptions({ ...callOptions, credentials, idempotent: false, stats }),
      }).catch(rethrowAsBceError);
      unwrap(result);
      return { requestId: requestIdOf(result.response), $metadata: responseMetadata(result.response, stats) };
    },
  };
}
