// Runs in a worker thread: a loopback HTTP server that reads the request and answers the spec's
// BEC reinstall response example. On request it records what it received (method, URL, headers,
// body) and posts it to the parent, which checks that every client sent the same request.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const answer = Buffer.from(JSON.stringify(workerData.response));
let recording = false;

/** An empty page of this origin, for the round trip in Chromium: same origin, so no CORS preflight. */
const PAGE = '<!doctype html><meta charset="utf-8"><title>bench</title>';

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/bench.html") {
    res.writeHead(200, { "content-type": "text/html;charset=utf-8" }).end(PAGE);
    return;
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    if (recording) {
      parentPort.postMessage({
        type: "request",
        request: {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        },
      });
    }
    res.writeHead(200, {
      "content-type": "application/json;charset=UTF-8",
      "content-length": answer.length,
      // A UUID, as BCE's request ids are: the clients check any other id for an echo of the call's
      // secrets (a few microseconds a call), which a BCE answer never needs.
      "x-bce-request-id": randomUUID(),
    });
    res.end(answer);
  });
});
server.keepAliveTimeout = 30_000;

parentPort.on("message", (message) => {
  if (message.type === "record") recording = message.on;
  if (message.type === "close") {
    server.closeAllConnections();
    server.close(() => parentPort.close());
  }
});

server.listen(0, "127.0.0.1", () => parentPort.postMessage({ type: "listening", port: server.address().port }));
