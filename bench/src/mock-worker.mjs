// Runs in a worker thread: the mock, on its own event loop, so the load generator does not share one
// with it. `workerData.module` is the mock to load: this workspace's @bce-openapi/mock, or the
// baseline build (the mock as it was before the contract-testing features, see baseline-mock.mjs).
import { parentPort, workerData } from "node:worker_threads";

const { startMock } = await import(workerData.module ?? "@bce-openapi/mock");
const mock = await startMock({ port: 0, host: "127.0.0.1", ...workerData.options });
parentPort.on("message", async (message) => {
  if (message.type === "close") {
    await mock.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: "listening", url: mock.url });
