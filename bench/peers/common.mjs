// What both peers share with the bare Netty baseline (bench/…/BroadcastServer.java), so one load
// generator drives all three: GET /health, and POST /publish with one envelope or an array, each
// delivered to the subscribers of its orgId. No auth, no durability, no resume.
import http from "node:http";

/**
 * Starts the HTTP side on 127.0.0.1:PORT and calls deliver(envelope) for each published one.
 * Returns the server, so a WebSocket library can attach to it.
 */
export function publishServer(deliver) {
  const port = Number(process.env.PORT ?? 18091);
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/health") {
      res.end("ok");
    } else if (req.method === "POST" && req.url === "/publish") {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        let list;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          list = Array.isArray(body) ? body : [body];
        } catch {
          res.writeHead(400).end();
          return;
        }
        for (const envelope of list) deliver(envelope);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ accepted: list.length }));
      });
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(port, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${port}`));
  return server;
}
