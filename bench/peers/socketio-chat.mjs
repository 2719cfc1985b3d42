// The Socket.IO 4 chat peer for the chat benchmark (infra/bench/chat.sh): what a typical team
// builds on Socket.IO — a room per chat room, each message written to PostgreSQL with a per-room
// sequence number in one statement (one transaction) and only then emitted to the room, with an
// acknowledgement to the sender. Several processes share rooms through the official
// @socket.io/postgres-adapter (LISTEN/NOTIFY on the same PostgreSQL), the multi-node setup
// available without Redis. No auth, no presence, no resume: the figures compare the message path.
//
// Environment: PORT (18191), NODE_ID (1), PGHOST/PGPORT/PGDATABASE/PGUSER (the pg defaults),
// ADAPTER=postgres|none (postgres), POOL (pg pool size, 10).
// Socket: /socket.io/?EIO=4&transport=websocket&user=<id>&rooms=<room>[,<room>…]
//   server → "ready" {rooms:[{roomId,lastSeq}]} once the socket is in its rooms
//   client → "chat" {roomId, clientMsgId, text}
//   server → "chat" {roomId, seq, messageId, sender, clientMsgId, text, createdAt} to the room
//   server → "sent" {roomId, clientMsgId, messageId, seq} to the sender once the row is committed
//   server → "error" {code, message, roomId?, clientMsgId?}
import http from "node:http";
import pg from "pg";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/postgres-adapter";

const port = Number(process.env.PORT ?? 18191);
const nodeId = process.env.NODE_ID ?? "1";
const pool = new pg.Pool({ max: Number(process.env.POOL ?? 10) });
pool.on("error", (err) => console.error("pg pool error", err.message));

// Concurrent first starts would race on CREATE … IF NOT EXISTS: the script starts node 1 first.
await pool.query(`
  CREATE SCHEMA IF NOT EXISTS peer_chat;
  CREATE TABLE IF NOT EXISTS peer_chat.rooms (
    room_id  text PRIMARY KEY,
    last_seq bigint NOT NULL);
  CREATE TABLE IF NOT EXISTS peer_chat.messages (
    room_id       text NOT NULL,
    seq           bigint NOT NULL,
    sender        text NOT NULL,
    client_msg_id text NOT NULL,
    text          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, seq),
    UNIQUE (room_id, sender, client_msg_id));
  CREATE TABLE IF NOT EXISTS peer_chat.socket_io_attachments (
    id         bigserial UNIQUE,
    created_at timestamptz DEFAULT now(),
    payload    bytea);
`);

// The room's counter row is locked by the upsert until the insert commits, so sequence numbers
// are gap-free and follow commit order; a retried clientMsgId fails the unique key and rolls the
// counter back.
const POST = `
  WITH next AS (
    INSERT INTO peer_chat.rooms AS r (room_id, last_seq) VALUES ($1, 1)
    ON CONFLICT (room_id) DO UPDATE SET last_seq = r.last_seq + 1
    RETURNING last_seq)
  INSERT INTO peer_chat.messages (room_id, seq, sender, client_msg_id, text)
  SELECT $1, last_seq, $2, $3, $4 FROM next
  RETURNING seq, created_at`;
const EXISTING = `SELECT seq, created_at FROM peer_chat.messages
  WHERE room_id = $1 AND sender = $2 AND client_msg_id = $3`;

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") res.end("ok");
  else res.writeHead(404).end();
});
const io = new Server(server, { transports: ["websocket"], perMessageDeflate: false, serveClient: false });
if ((process.env.ADAPTER ?? "postgres") === "postgres") {
  io.adapter(createAdapter(pool, { tableName: "peer_chat.socket_io_attachments" }));
}

io.on("connection", async (socket) => {
  const user = String(socket.handshake.query.user ?? "");
  const rooms = String(socket.handshake.query.rooms ?? "").split(",").filter(Boolean);
  socket.join(rooms);
  socket.on("chat", async (m) => {
    const roomId = String(m?.roomId ?? "");
    const clientMsgId = String(m?.clientMsgId ?? "");
    const text = String(m?.text ?? "");
    if (!socket.rooms.has(roomId)) {
      socket.emit("error", { code: "NOT_JOINED", message: `room ${roomId} is not joined`, roomId, clientMsgId });
      return;
    }
    let row;
    try {
      row = (await pool.query(POST, [roomId, user, clientMsgId, text])).rows[0];
    } catch (err) {
      if (err.code !== "23505") {
        socket.emit("error", { code: "CHAT_UNAVAILABLE", message: err.message, roomId, clientMsgId });
        return;
      }
      const again = (await pool.query(EXISTING, [roomId, user, clientMsgId])).rows[0];
      socket.emit("sent", { roomId, clientMsgId, messageId: `${roomId}:${again.seq}`, seq: Number(again.seq) });
      return;
    }
    const seq = Number(row.seq);
    const messageId = `${roomId}:${seq}`;
    io.to(roomId).emit("chat", {
      roomId, seq, messageId, sender: { id: user }, clientMsgId, text, createdAt: row.created_at.toISOString(),
    });
    socket.emit("sent", { roomId, clientMsgId, messageId, seq });
  });
  try {
    const known = await pool.query("SELECT room_id, last_seq FROM peer_chat.rooms WHERE room_id = ANY($1)", [rooms]);
    const last = new Map(known.rows.map((r) => [r.room_id, Number(r.last_seq)]));
    socket.emit("ready", { node: nodeId, rooms: rooms.map((roomId) => ({ roomId, lastSeq: last.get(roomId) ?? 0 })) });
  } catch (err) {
    socket.emit("error", { code: "CHAT_UNAVAILABLE", message: err.message });
    socket.disconnect(true);
  }
});

server.listen(port, "127.0.0.1", () => console.log(`chat peer node ${nodeId} on 127.0.0.1:${port}`));
const stop = () => io.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
