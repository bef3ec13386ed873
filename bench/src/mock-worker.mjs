// Runs in a worker thread: the mock, on its own event loop, so the load generator does not share one with it.
import { parentPort, workerData } from "node:worker_threads";
import { startMock } from "@bce-openapi/mock";

const mock = await startMock({ port: 0, host: "127.0.0.1", auth: workerData.auth, credentials: workerData.credentials });
parentPort.on("message", async (message) => {
  if (message.type === "close") {
    await mock.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: "listening", url: mock.url });
