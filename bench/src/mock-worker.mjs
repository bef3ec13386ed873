// Runs in a worker thread: mocks, on their own event loop, so the load generator does not share one
// with them. Messages: start { module, options } starts a mock of `module` (this workspace's
// @bce-openapi/mock, or the baseline build: the mock as it was before the contract-testing
// features, see baseline-mock.mjs) and answers listening; stop closes it and answers stopped; close
// closes it and ends the worker. One mock at a time; a module is imported once per worker.
import { parentPort } from "node:worker_threads";

let mock;
parentPort.on("message", async (message) => {
  if (message.type === "start") {
    const { startMock } = await import(message.module ?? "@bce-openapi/mock");
    mock = await startMock({ port: 0, host: "127.0.0.1", ...message.options });
    parentPort.postMessage({ type: "listening", url: mock.url });
  } else if (message.type === "stop") {
    await mock?.close();
    mock = undefined;
    parentPort.postMessage({ type: "stopped" });
  } else if (message.type === "close") {
    await mock?.close();
    parentPort.close();
  }
});
