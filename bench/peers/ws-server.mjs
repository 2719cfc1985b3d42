// The bare Node `ws` broadcast peer: subscribers connect to /ws?org=<org>; each published envelope
// is serialised once and sent to every socket of its org.
import { WebSocketServer } from "ws";
import { publishServer } from "./common.mjs";

const orgs = new Map();

const server = publishServer((envelope) => {
  const sockets = orgs.get(envelope.orgId);
  if (!sockets) return;
  const text = JSON.stringify(envelope);
  for (const ws of sockets) ws.send(text);
});

const wss = new WebSocketServer({ server, path: "/ws", perMessageDeflate: false });
wss.on("connection", (ws, req) => {
  const org = new URL(req.url, "http://peer").searchParams.get("org") ?? "";
  let sockets = orgs.get(org);
  if (!sockets) orgs.set(org, (sockets = new Set()));
  sockets.add(ws);
  ws.on("close", () => sockets.delete(ws));
  ws.on("error", () => {});
});
