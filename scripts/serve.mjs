// `pnpm start`, after turbo has built everything: the mock and the docs, side by side, on loopback.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMock } from "../packages/mock/dist/index.js";
import { serveStatic } from "../docs/scripts/static-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const mockPort = Number(process.env.MOCK_PORT ?? 4010);
const docsPort = Number(process.env.DOCS_PORT ?? 8080);

const mock = await startMock({ port: mockPort });
const docs = await serveStatic(join(root, "docs", "dist"), { port: docsPort });
console.log(`BCE mock (Prism, signatures checked) at ${mock.url}`);
console.log(`BCE API docs at ${docs.url}`);
console.log("Press Ctrl+C to stop.");

const stop = () => Promise.all([mock.close(), docs.close()]).then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
