// Types of chromium.mjs, for the TypeScript tests that launch Chromium with it.
export declare const CHROMIUM_ARGS: string[];
export declare const CHROMIUM_PATHS: string[];
/** For the docs tests: findChromium, and a Chinese font installed when none is (as root). */
export declare function ensureChromium(options?: { log?: (message: string) => void }): string;
/** CHROMIUM_PATH when set (it must exist), else Debian's Chromium, installed first when missing and we are root. */
export declare function findChromium(options?: { log?: (message: string) => void }): string;
