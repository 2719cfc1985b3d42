// The Socket.IO 4 peer, as a typical app would use it: a room per org, io.to(org).emit("event", e)
// per published envelope. WebSocket transport only (the generator does not long-poll) and no
// per-message compression, like the other targets.
import { Server } from "socket.io";
import { publishServer } from "./common.mjs";

const server = publishServer((envelope) => io.to(envelope.orgId).emit("event", envelope));

const io = new Server(server, { transports: ["websocket"], perMessageDeflate: false, serveClient: false });
io.on("connection", (socket) => socket.join(String(socket.handshake.query.org ?? "")));
