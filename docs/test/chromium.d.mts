// Types of chromium.mjs, for the TypeScript tests that launch Chromium with it.
export declare const CHROMIUM_ARGS: string[];
/** CHROMIUM_ARGS with `hosts` also resolved to 127.0.0.1. */
export declare function chromiumArgs(...hosts: string[]): string[];
/** `--host-resolver-rules`: every name but loopback's (and `hosts`, mapped to 127.0.0.1) not found. */
export declare function resolverRules(...hosts: string[]): string;
export declare const CHROMIUM_PATHS: string[];
/** The set-up step: Chromium and a Chinese font, installed with apt-get when missing and we are root. */
export declare function installBrowser(options?: { log?: (message: string) => void }): string | undefined;
/** CHROMIUM_PATH when set (it must exist), else Debian's Chromium; throws, saying how to install it, when there is none. */
export declare function findChromium(): string;
