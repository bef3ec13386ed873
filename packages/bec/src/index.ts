import {
  BceResponseError,
  checkAdminPassPolicy,
  checkAnswer,
  checkCallOptions,
  checkPathParameter,
  checkRequestPart,
  createServiceClient,
  encodeUserData,
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
import type { paths, VmInstanceReinstallRequest, VmInstanceReinstallResult } from "./generated/schema.js";
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
  type CallOptions,
  type Credentials,
  type CredentialsProvider,
  type Logger,
  type ResponseMetadata,
  type RetryContext,
  type RetryOptions,
} from "@bce-openapi/core";

export type BecClientOptions = BceClientOptions;

/** The reinstall request as the caller writes it: `userData` is plain text, encoded by the client. */
export type ReinstallVmInstanceInput = VmInstanceReinstallRequest;

export interface ReinstallCallOptions extends CallOptions {
  /**
   * Idempotency token for this logical call (at most 64 printable ASCII characters). Generated
   * when left out. Every retry of the call reuses it, so the service reinstalls at most once;
   * pass your own to make a call safe to repeat across process restarts.
   */
  clientToken?: string;
}

/** The service's answer, as it sent it, with the call's metadata beside it. */
export type ReinstallVmInstanceResult = VmInstanceReinstallResult & { $metadata: ResponseMetadata };

export interface BecClient {
  /**
   * Reinstall a VM instance's system (PUT /v1/vm/instance/{vmID}/system/reinstall).
   *
   * `userData` is taken as plain text and encoded as BEC wants it. A password in
   * `keyConfig.adminPass` is checked against the password policy before anything is sent.
   * Resolves with the service's answer and `$metadata` (status, request id, attempts, retry
   * delay); rejects with BceValidationError (nothing sent),
   * BceServiceError (the service said no), BceResponseError (an answer that is not what the
   * API describes), BceNetworkError, BceTimeoutError or BceAbortError.
   */
  reinstallVmInstance(
    vmId: string,
    body: ReinstallVmInstanceInput,
    options?: ReinstallCallOptions,
  ): Promise<ReinstallVmInstanceResult>;
  /** The typed openapi-fetch client, for everything the methods above do not cover. */
  readonly raw: Client<paths>;
}

const reinstall = operations.reinstallVmInstance;

/** A client for BEC. With no endpoint it talks to the service's endpoint from the spec. */
export function createBecClient(options: BecClientOptions = {}): BecClient {
  const service = createServiceClient<paths>(options, serverUrl(servers[0]), "bec");
  return {
    raw: service.raw,
    async reinstallVmInstance(vmId, input, callOptions = {}) {
      const vmID = checkPathParameter("vmId", vmId, pathParameters.vmID);
      checkCallOptions(callOptions);
      const clientToken = callOptions.clientToken ?? globalThis.crypto.randomUUID();
      checkRequestPart(clientToken, reinstall.query.clientToken, schemaRoot, "clientToken");
      const adminPass = input?.keyConfig?.adminPass;
      if (typeof adminPass === "string") checkAdminPassPolicy(adminPass, "body.keyConfig.adminPass");
      checkRequestPart(input, reinstall.requestBody, schemaRoot, "body");
      const body = typeof input.userData === "string" ? { ...input, userData: encodeUserData(input.userData) } : input;

      const credentials = await service.credentials();
      const stats: CallStats = { attempts: 0, totalRetryDelay: 0 };
      const result = await service.raw.PUT("/v1/vm/instance/{vmID}/system/reinstall", {
        params: { path: { vmID }, query: { clientToken } },
        body,
        parseAs: "text",
        // One clientToken for every attempt: retrying cannot reinstall twice.
        ...service.callOptions({ ...callOptions, credentials, idempotent: true, stats }),
      }).catch(rethrowAsBceError);
      const answer = unwrap(result) as VmInstanceReinstallResult;
      if (service.validateResponses !== "off") {
        try {
          checkAnswer(answer, reinstall.responses[200], schemaRoot, result.response);
        } catch (error) {
          // The VM is being reinstalled whatever the body says: only "strict" turns this into a rejection.
          if (service.validateResponses === "strict" || !(error instanceof BceResponseError)) throw error;
          service.logger.warn("the answer does not match the API description", {
            operation: "reinstallVmInstance",
            requestId: error.requestId,
            problems: error.problems,
          });
        }
      }
      return { ...answer, $metadata: responseMetadata(result.response, stats) };
    },
  };
}
