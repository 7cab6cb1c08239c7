#!/usr/bin/env node
// Cosmos DB NoSQL API test server: @vercel/cosmosdb-server over HTTPS with keep-alive, two fixes
// and an outage switch for tests.
//
//   node tests/integration/cosmos_server.js [--port N]      (default 0: any free port)
//
// Prints "listening <port>" on stdout once ready.
// - A point read of a missing document answers 404 (the stock server throws and answers 500).
// - Outage switch: the line "down" on stdin closes the listener and drops every open connection
//   (clients get "connection refused"); "up" listens again on the same port. Data stays in memory, like a
//   real account whose gateway is unreachable for a while.
// - POST /_test/outage {"afterWrites": N} goes down by itself after N more document writes
//   (create, replace, upsert, patch, delete; queries do not count), so a test can cut a
//   multi-step write in the middle.
"use strict";

const path = require("path");

const lib = path.join(__dirname, "..", "..", "node_modules", "@vercel", "cosmosdb-server", "lib");

// Patch the read handler before the routes table captures it.
const readDocument = require(path.join(lib, "handler", "read-document"));
const originalRead = readDocument.default;
readDocument.default = (account, req, res, params) => {
  try {
    return originalRead(account, req, res, params);
  } catch (err) {
    if (err instanceof TypeError) {
      res.statusCode = 404;
      return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
    }
    throw err;
  }
};

const { createHttpsServer } = require(lib);

let port = 0;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 1) {
  if (argv[i] === "--port" || argv[i] === "-p") port = parseInt(argv[i + 1], 10);
}

const server = createHttpsServer({ keepAlive: true });
// The stock server builds a fresh (empty) account on every "listening" event; keep the first one
// so that coming back up after an outage keeps the data.
for (const init of server.listeners("listening")) {
  server.removeListener("listening", init);
  server.once("listening", init);
}
const sockets = new Set();
let writesLeft = null; // null: no scheduled outage
let up = false;

server.on("connection", socket => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});

function goDown() {
  if (!up) return;
  up = false;
  server.close();
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  process.stdout.write(`down ${port}\n`);
}

function goUp() {
  if (up) return;
  server.listen(port, "127.0.0.1");
}

// Intercept requests ahead of the cosmos handler (it is the first "request" listener).
const cosmosHandlers = server.listeners("request");
server.removeAllListeners("request");
server.on("request", (req, res) => {
  if (req.url === "/_test/outage" && req.method === "POST") {
    let body = "";
    req.on("data", chunk => { body += chunk; });
    req.on("end", () => {
      writesLeft = JSON.parse(body || "{}").afterWrites;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ afterWrites: writesLeft }));
    });
    return;
  }
  const isQuery = String(req.headers["x-ms-documentdb-isquery"]).toLowerCase() === "true"
    || String(req.headers["content-type"] || "").startsWith("application/query+json");
  const isDocWrite = /\/docs(\/|$)/.test(req.url) && req.method !== "GET" && !isQuery;
  if (isDocWrite && writesLeft !== null) {
    if (writesLeft <= 0) {
      writesLeft = null;
      req.socket.destroy();
      goDown();
      return;
    }
    writesLeft -= 1;
  }
  for (const handler of cosmosHandlers) handler.call(server, req, res);
});

server.on("listening", () => {
  up = true;
  port = server.address().port;
  process.stdout.write(`listening ${port}\n`);
});

process.stdin.setEncoding("utf8");
let pending = "";
process.stdin.on("data", chunk => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf("\n")) >= 0) {
    const command = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    if (command === "down") goDown();
    else if (command === "up") goUp();
  }
});
process.stdin.on("end", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));

goUp();
