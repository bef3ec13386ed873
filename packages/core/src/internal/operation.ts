/**
 * The table the code generator (packages/codegen) emits for each operation of the spec, and the
 * runtime (createServiceClient's `call`) reads. It is the contract between generated code and
 * core: the generated clients hold no logic of their own beyond these tables and thin methods.
 *
 * Everything here comes from the spec: method and path from `paths`, servers from the path item
 * or the root, and the rest from the `x-bce-*` extensions documented in spec/README.md.
 */
import type { Credentials } from "../credentials.js";

/** A server entry as the spec lists it. */
export interface ServerTemplate {
  readonly url: string;
  readonly variables: { readonly [name: string]: { readonly default: string; readonly enum?: readonly string[] } };
}

/**
 * How a failed attempt may be repeated (`x-bce-retry` on the operation):
 * - `"idempotency-token"`: the call carries a token (see `idempotencyToken`) that every attempt
 *   reuses, so the service acts at most once: retried after 500, 502, 503, 504, network errors
 *   and timeouts, as well as where the service cannot have acted.
 * - `"unsafe"`: no token; retried only where the service cannot have acted (connection refused,
 *   RequestExpired, throttling).
 */
export type RetryClass = "idempotency-token" | "unsafe";

/** A request part the client changes before sending (`x-bce-transform` on a body property). */
export interface BodyTransform {
  /** Property names from the body's root down to the value, e.g. ["keyConfig", "adminPass"]. */
  readonly path: readonly string[];
  /**
   * - `"encodeUserData"`: plain text in, BEC's base64 form out.
   * - `"encryptAdminPass"`: plain-text password in (policy-checked), AES ciphertext under the
   *   secret access key out; `{ encrypted }` passes a ciphertext through unchanged.
   * - `"checkPasswordPolicy"`: plain text sent as it is, after the password-policy check.
   */
  readonly kind: "encodeUserData" | "encryptAdminPass" | "checkPasswordPolicy";
}

/** What a request is made of once the method's arguments are sorted into their places. */
export interface OperationInput {
  readonly path: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** One operation, as generated from the spec. */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: "GET" | "PUT" | "POST" | "DELETE" | "PATCH";
  /** The path template exactly as the spec writes it, e.g. "/v{version}/instance/{instanceId}". */
  readonly path: string;
  /** Path parameters whose value is fixed by the spec (a one-value enum, e.g. version "2"); absent: none. */
  readonly fixedPath?: Readonly<Record<string, string>>;
  /** Query parameters the spec requires with a fixed value (e.g. the empty flag `rebuild`); absent: none. */
  readonly fixedQuery?: Readonly<Record<string, string>>;
  readonly retry: RetryClass;
  /** The idempotency token parameter (`x-bce-idempotency-token`), generated per call when absent. */
  readonly idempotencyToken?: { readonly in: "query"; readonly name: string };
  /** Transforms applied, in order, to the caller's body before the request checks run. */
  readonly bodyTransforms: readonly BodyTransform[];
  /**
   * `false` when no success answer of the operation has a body (BCC rebuild): a body that comes
   * all the same is not parsed, so an answer the spec says is empty can never fail a call the
   * service has carried out. Absent: the success body is parsed (and, when asked, checked).
   */
  readonly successBody?: false;
  /**
   * Checks of what is about to be sent, generated as plain JavaScript from the spec's schemas
   * (the body after transforms, path and query parameters). Throws BceValidationError naming
   * the field and the rule, never the value.
   */
  readonly checkRequest: (input: OperationInput) => void;
}

/** The table of an operation no success answer of which has a body: what callBodilessOperation takes. */
export type BodilessOperationSpec = OperationSpec & { readonly successBody: false };

/** The credentials a transform may need (the adminPass key is the secret access key). */
export type TransformContext = { readonly credentials: Credentials };
