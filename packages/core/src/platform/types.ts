// The types of `#platform`, whichever branch a bundle resolves: `server` (Node, Deno, Bun, and any
// runtime that is not bundled for a browser) or `browser` (a bundler's "browser" condition).
import type { Credentials } from "../credentials.js";

/** `"server"` or `"browser"`. */
export declare const PLATFORM: "server" | "browser";

/**
 * `<runtime>/<version>` for the user agent (`node/20.20.2`, `deno/2.1.0`, `bun/1.2.0`), or
 * undefined where the program cannot set `User-Agent` (a browser keeps its own).
 */
export declare function runtimeAgent(): string | undefined;

/**
 * Credentials from the environment variables (CREDENTIAL_ENV_VARS), undefined when none is set; a
 * CredentialsError when they are malformed. A browser has no environment: always undefined.
 */
export declare function environmentCredentials(): Credentials | undefined;

/** What a call with no credentials is refused with: where credentials can come from here. */
export declare const NO_CREDENTIALS: string;

/**
 * What a fetch that failed says about the network: the system error code in its cause chain
 * (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`; empty when there is none, as in a browser) and
 * whether that code proves the connection was never made, so the request did not leave.
 */
export declare function networkFailure(error: unknown): { errorCode: string; notConnected: boolean };
