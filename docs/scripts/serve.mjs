// `pnpm --filter @bce-openapi/docs serve [--port N]`: serve the built docs on loopback.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./static-server.mjs";

const i = process.argv.indexOf("--port");
const port = i > 0 ? Number(process.argv[i + 1]) : 8080;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer from 0 to 65535`);
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const { url, close } = await serveStatic(root, { port });
console.log(`BCE API docs at ${url}`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void close().then(() => process.exit(0)));
