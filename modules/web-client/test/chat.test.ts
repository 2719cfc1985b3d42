import { test } from "node:test";
import assert from "node:assert/strict";
import { ChatClient, ChatClientOptions, VisibilityLike } from "../src/chat.js";
import type { ChatMessage } from "../src/chatTypes.js";
import { SocketLike } from "../src/transport.js";
import { Bus, FakeLocks } from "./fakeTabs.js";

/** A socket the test drives by hand, standing in for the chat server. */
class FakeSocket implements SocketLike {
  sent: any[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  server(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006, reason = "") {
    this.onclose?.({ code, reason });
  }
  frames(type: string) {
    return this.sent.filter((f) => f.type === type);
  }
}

class FakeVisibility implements VisibilityLike {
  visibilityState = "visible";
  private listener: (() => void) | undefined;
  addEventListener(_t: "visibilitychange", l: () => void) {
    this.listener = l;
  }
  removeEventListener() {
    this.listener = undefined;
  }
  set(state: "visible" | "hidden") {
    this.visibilityState = state;
    this.listener?.();
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function harness(options: Partial<ChatClientOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; done?: boolean }[] = [];
  let clock = 1_000_000;
  let ids = 0;
  const client = new ChatClient({
    baseUrl: "http://bellhop.test",
    orgId: "org-1",
    userId: "u1",
    token: () => "t.e30.s",
    shareAcrossTabs: false,
    visibility: null,
    backoff: { baseMs: 100, maxMs: 1000, stableMs: 60_000, random: () => 0.5 },
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    newClientMsgId: () => `c-${++ids}`,
    now: () => clock,
    schedule: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length - 1;
    },
    cancel: (h) => {
      if (typeof h === "number" && timers[h]) timers[h].done = true;
    },
    ...options,
  });
  const socket = () => sockets.at(-1)!;
  /** Runs the due timers, oldest first (the backoff's reconnect among them). */
  const runTimers = async () => {
    for (const t of timers) {
      if (!t.done) {
        t.done = true;
        t.fn();
      }
    }
    await tick();
  };
  /** Opens the newest socket and answers its handshake with `ready`. */
  const connect = async (rooms: unknown[] = []) => {
    await tick();
    socket().open();
    socket().server({ type: "ready", userId: "u1", rooms });
  };
  /** Answers the join of `roomId` on the newest socket with history then presence. */
  const answerJoin = (roomId: string, messages: ChatMessage[], extra: Record<string, unknown> = {}) => {
    socket().server({ type: "history", roomId, messages, hasMore: false, caughtUp: true, ...extra });
    socket().server({ type: "presence", roomId, users: [], full: true });
  };
  return {
    client, sockets, socket, timers, runTimers, connect, answerJoin,
    advance: (ms: number) => (clock += ms),
  };
}

const msg = (seq: number, sender = "u2", extra: Partial<ChatMessage> = {}): ChatMessage => ({
  messageId: `m${seq}`, seq, roomId: "org", sender: { id: sender, name: sender.toUpperCase() },
  text: `message ${seq}`, createdAt: "2026-11-30T07:00:00.000Z", ...extra,
});

const seqs = (client: ChatClient, roomId = "org") => client.room(roomId)!.messages.map((m) => m.seq);

test("the handshake carries only the token, and rooms are joined with join frames after ready", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  assert.equal(h.socket().url, "ws://bellhop.test/v2/collaboration/chat/stream");
  assert.deepEqual(h.socket().sent[0], { token: "t.e30.s" });
  assert.deepEqual(h.socket().frames("join"), [{ type: "join", roomId: "org" }], "no cursor yet: the newest page");
  assert.deepEqual(h.socket().frames("presence"), [{ type: "presence", status: "online" }]);
  h.answerJoin("org", [msg(1), msg(2)]);
  assert.equal(h.client.room("org")!.live, true);
  assert.equal(h.client.health.state, "live");
  assert.equal(h.client.health.userId, "u1");
});

test("a reconnect rejoins every room with after = the last seq held, and replayed messages are dropped", async () => {
  const h = harness();
  h.client.join("org");
  h.client.join("property-7");
  h.client.start();
  await h.connect();
  h.answerJoin("org", [msg(1), msg(2), msg(3)]);
  h.answerJoin("property-7", [msg(1, "u2", { roomId: "property-7" })]);
  h.socket().server({ type: "chat", ...msg(4) });
  h.socket().drop(1006);
  assert.equal(h.client.health.state, "reconnecting");
  assert.equal(h.client.room("org")!.live, false);
  await h.runTimers();
  assert.equal(h.sockets.length, 2, "reconnected after the backoff");
  await h.connect();
  assert.deepEqual(h.socket().frames("join"), [
    { type: "join", roomId: "org", after: 4 },
    { type: "join", roomId: "property-7", after: 1 },
  ]);
  // A server that replays from further back than asked: the overlap is dropped, the rest kept once.
  h.socket().server({ type: "history", roomId: "org", messages: [msg(3), msg(4), msg(5)], caughtUp: false });
  h.socket().server({ type: "history", roomId: "org", messages: [msg(6)], caughtUp: true });
  h.socket().server({ type: "chat", ...msg(6) });
  h.socket().server({ type: "chat", ...msg(7) });
  assert.deepEqual(seqs(h.client), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(h.client.room("org")!.lastSeq, 7);
});

test("a resumed join is live at caughtUp (presence comes first), and a catch-up between chat frames is added by seq", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", [msg(9), msg(10)], { hasMore: true });
  h.socket().drop(1006);
  const id = h.client.send("org", "queued");
  await h.runTimers();
  await h.connect();
  h.socket().server({ type: "presence", roomId: "org", users: [], full: true });
  assert.equal(h.client.room("org")!.live, false, "presence alone does not end a resumed join");
  h.socket().server({ type: "history", roomId: "org", messages: [msg(11)], hasMore: true, caughtUp: false });
  assert.equal(h.socket().frames("chat").length, 0);
  h.socket().server({ type: "history", roomId: "org", messages: [msg(12)], hasMore: true, caughtUp: true });
  assert.equal(h.client.room("org")!.live, true);
  assert.deepEqual(h.socket().frames("chat").map((f) => f.clientMsgId), [id]);
  // An older page is asked for; meanwhile the server catches this socket up after a gap of its own.
  h.client.loadOlder("org");
  h.socket().server({ type: "history", roomId: "org", messages: [msg(13), msg(14)], hasMore: true });
  h.socket().server({ type: "chat", ...msg(15) });
  h.socket().server({ type: "history", roomId: "org", messages: [msg(7), msg(8)], hasMore: false });
  assert.deepEqual(seqs(h.client), [7, 8, 9, 10, 11, 12, 13, 14, 15]);
  assert.equal(h.client.room("org")!.hasMore, false);
  assert.equal(h.sockets.length, 2, "no resync was needed");
});

test("a gap is never papered over: the client reconnects and asks again from the last seq held", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", [msg(1), msg(2)]);
  h.socket().server({ type: "chat", ...msg(4) });
  assert.deepEqual(seqs(h.client), [1, 2], "seq 4 after 2 is not shown");
  assert.equal(h.sockets[0].closed, true, "the socket with the gap was closed");
  await h.runTimers();
  await h.connect();
  assert.deepEqual(h.socket().frames("join"), [{ type: "join", roomId: "org", after: 2 }]);
  h.answerJoin("org", [msg(3), msg(4)]);
  assert.deepEqual(seqs(h.client), [1, 2, 3, 4]);
});

test("a message typed while offline is sent once after reconnect, with the same clientMsgId until sent arrives", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", [msg(1)]);
  h.socket().drop(1006);
  const id = h.client.send("org", "Room 204 is ready");
  assert.deepEqual(
    h.client.room("org")!.pending.map((p) => [p.clientMsgId, p.text, p.status]),
    [[id, "Room 204 is ready", "queued"]],
    "shown at once as pending",
  );
  await h.runTimers();
  await h.connect();
  assert.equal(h.socket().frames("chat").length, 0, "not before the room's join is answered");
  h.answerJoin("org", []);
  assert.deepEqual(h.socket().frames("chat"), [{ type: "chat", roomId: "org", clientMsgId: id, text: "Room 204 is ready" }]);
  h.client.typing("org"); // unrelated traffic must not re-send it
  h.socket().server({ type: "presence", roomId: "org", users: [], full: false });
  assert.equal(h.socket().frames("chat").length, 1, "sent once on this socket");

  h.socket().drop(1006); // dropped before `sent`: not known to be posted
  await h.runTimers();
  await h.connect();
  h.answerJoin("org", []);
  assert.deepEqual(h.socket().frames("chat").map((f) => f.clientMsgId), [id], "re-sent with the same clientMsgId");
  h.socket().server({ type: "sent", roomId: "org", clientMsgId: id, messageId: "m2", seq: 2 });
  assert.equal(h.client.room("org")!.pending[0].status, "sent");
  h.socket().server({ type: "chat", ...msg(2, "u1", { clientMsgId: id, text: "Room 204 is ready" }) });
  assert.deepEqual(h.client.room("org")!.pending, [], "the echo gave way to the stored message");
  assert.deepEqual(seqs(h.client), [1, 2]);

  h.socket().drop(1006);
  await h.runTimers();
  await h.connect();
  h.answerJoin("org", []);
  assert.equal(h.socket().frames("chat").length, 0, "a confirmed message is never sent again");
});

test("a sent frame for a message whose chat frame came first leaves nothing pending", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", []);
  const id = h.client.send("org", "hi");
  h.socket().server({ type: "chat", ...msg(1, "u1", { clientMsgId: id, text: "hi" }) });
  h.socket().server({ type: "sent", roomId: "org", clientMsgId: id, messageId: "m1", seq: 1 });
  assert.deepEqual(h.client.room("org")!.pending, []);
  assert.deepEqual(seqs(h.client), [1]);
});

test("another user's clientMsgId never clears this user's pending message", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", []);
  const id = h.client.send("org", "mine");
  h.socket().server({ type: "chat", ...msg(1, "u2", { clientMsgId: id }) });
  assert.equal(h.client.room("org")!.pending.length, 1);
});

test("typing is sent at most every 2 s while the user types, and typing:false on send and on stop", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", []);
  const typing = () => h.socket().frames("typing");
  for (let i = 0; i < 10; i++) {
    h.client.typing("org");
    h.advance(300); // ten keystrokes over 3 s
  }
  assert.deepEqual(typing(), [
    { type: "typing", roomId: "org", typing: true },
    { type: "typing", roomId: "org", typing: true },
  ], "at 0 s and 2.1 s");
  h.client.send("org", "done");
  assert.deepEqual(typing().at(-1), { type: "typing", roomId: "org", typing: false }, "sending stops it");
  h.client.typing("org");
  assert.deepEqual(typing().at(-1), { type: "typing", roomId: "org", typing: true }, "the next keystroke starts again at once");
  h.client.stopTyping("org");
  h.client.stopTyping("org");
  assert.equal(typing().filter((f) => f.typing === false).length, 2, "stop is sent once, and only after a start");
});

test("who is typing and who is present come from the server's lists, without this user", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.socket().server({ type: "history", roomId: "org", messages: [], hasMore: false });
  h.socket().server({ type: "presence", roomId: "org", full: true, users: [
    { id: "u1", name: "Me", status: "online" }, { id: "u2", name: "Asha", status: "online" },
  ] });
  assert.equal(h.client.room("org")!.live, true, "the newest page answers a join without a cursor");
  h.socket().server({ type: "presence", roomId: "org", full: false, users: [{ id: "u3", name: "Ben", status: "away" }] });
  h.socket().server({ type: "presence", roomId: "org", full: false, users: [{ id: "u2", name: "Asha", status: "offline" }] });
  assert.deepEqual(h.client.room("org")!.presence.map((u) => `${u.id}:${u.status}`), ["u3:away", "u1:online"]);
  h.socket().server({ type: "typing", roomId: "org", users: [{ id: "u1", name: "Me" }, { id: "u3", name: "Ben" }] });
  assert.deepEqual(h.client.room("org")!.typing, [{ id: "u3", name: "Ben" }]);
  h.socket().drop(1006);
  assert.deepEqual(h.client.room("org")!.typing, [], "unknown while disconnected");
});

test("unread counts follow ready, activity, chat and unread frames, for rooms joined or not", async () => {
  const h = harness();
  const changes: string[][] = [];
  h.client.onChange((ids) => changes.push(ids));
  h.client.join("org");
  h.client.start();
  await h.connect([
    { roomId: "org", kind: "org", lastSeq: 2, readSeq: 1, unread: 1 },
    { roomId: "property-7", kind: "property", lastSeq: 10, readSeq: 8, unread: 2 },
  ]);
  assert.deepEqual(h.client.unreadCounts(), { org: 1, "property-7": 2 });
  h.answerJoin("org", [msg(1), msg(2)]);
  assert.equal(h.client.unreadCounts()["org"], 1, "messages the room list counted are not counted again");

  h.socket().server({ type: "activity", roomId: "property-7", seq: 11, messageId: "m11", senderId: "u2", createdAt: "" });
  assert.equal(h.client.unreadCounts()["property-7"], 3, "a room not joined counts from activity");
  h.socket().server({ type: "activity", roomId: "property-7", seq: 11, messageId: "m11", senderId: "u2", createdAt: "" });
  assert.equal(h.client.unreadCounts()["property-7"], 3, "the same activity twice counts once");
  h.socket().server({ type: "activity", roomId: "property-7", seq: 12, messageId: "m12", senderId: "u1", createdAt: "" });
  assert.equal(h.client.unreadCounts()["property-7"], 3, "this user's own message is not unread");
  h.socket().server({ type: "activity", roomId: "direct-abc", seq: 1, messageId: "d1", senderId: "u2", createdAt: "" });
  assert.equal(h.client.unreadCounts()["direct-abc"], 1, "a room new to this browser appears with its count");

  h.socket().server({ type: "chat", ...msg(3) });
  assert.equal(h.client.unreadCounts()["org"], 2, "a joined room counts from chat");
  h.socket().server({ type: "chat", ...msg(4, "u1") });
  assert.equal(h.client.unreadCounts()["org"], 2);

  h.socket().server({ type: "unread", roomId: "property-7", readSeq: 12, unread: 0 });
  assert.equal(h.client.unreadCounts()["property-7"], 0, "read on another socket of the user");
  const same = h.client.unreadCounts();
  h.socket().server({ type: "typing", roomId: "org", users: [] });
  assert.equal(h.client.unreadCounts(), same, "the same object while no count changed");
  assert.ok(changes.some((ids) => ids.includes("direct-abc")), "listeners heard which rooms changed");
});

test("the viewed room's read mark follows new messages while the page is visible", async () => {
  const visibility = new FakeVisibility();
  const h = harness({ visibility });
  h.client.join("org");
  h.client.start();
  await h.connect([{ roomId: "org", lastSeq: 3, readSeq: 0, unread: 3 }]);
  h.answerJoin("org", [msg(1), msg(2), msg(3)]);
  h.client.view("org");
  await h.runTimers();
  assert.deepEqual(h.socket().frames("read"), [{ type: "read", roomId: "org", seq: 3 }]);
  assert.equal(h.client.unreadCounts()["org"], 0, "all read, every message held");

  visibility.set("hidden");
  assert.deepEqual(h.socket().frames("presence").at(-1), { type: "presence", status: "away" });
  h.socket().server({ type: "chat", ...msg(4) });
  await h.runTimers();
  assert.equal(h.socket().frames("read").length, 1, "a hidden page reads nothing");
  assert.equal(h.client.unreadCounts()["org"], 1);
  visibility.set("visible");
  assert.deepEqual(h.socket().frames("presence").at(-1), { type: "presence", status: "online" });
  h.socket().server({ type: "chat", ...msg(5) });
  await h.runTimers();
  assert.deepEqual(h.socket().frames("read").at(-1), { type: "read", roomId: "org", seq: 5 });
  h.socket().server({ type: "receipt", roomId: "org", userId: "u2", seq: 5, messageId: "m5" });
  h.socket().server({ type: "receipt", roomId: "org", userId: "u2", seq: 4, messageId: "m4" });
  assert.deepEqual(h.client.room("org")!.receipts, { u2: 5 }, "receipts only move forward");
});

test("a read mark the server did not get is sent again after the next ready", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect([{ roomId: "org", lastSeq: 2, readSeq: 0, unread: 2 }]);
  h.answerJoin("org", [msg(1), msg(2)]);
  h.socket().drop(1006);
  h.client.markRead("org");
  assert.equal(h.client.room("org")!.readSeq, 2);
  await h.runTimers();
  await h.connect([{ roomId: "org", lastSeq: 2, readSeq: 0, unread: 2 }]);
  assert.deepEqual(h.socket().frames("read"), [{ type: "read", roomId: "org", seq: 2 }]);
});

test("RATE_LIMITED re-sends the same clientMsgId after retryAfterMs", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", []);
  const id = h.client.send("org", "slow down?");
  h.socket().server({ type: "error", code: "RATE_LIMITED", message: "10 per second", roomId: "org", clientMsgId: id, retryAfterMs: 1500 });
  const pending = h.client.room("org")!.pending[0];
  assert.equal(pending.status, "retrying");
  const retry = h.timers.find((t) => t.ms === 1500 && !t.done);
  assert.ok(retry, "a retry is scheduled at the server's hint");
  assert.equal(h.socket().frames("chat").length, 1, "not before the hint");
  h.advance(1500);
  retry.done = true;
  retry.fn();
  assert.deepEqual(h.socket().frames("chat").map((f) => f.clientMsgId), [id, id]);
  h.socket().server({ type: "sent", roomId: "org", clientMsgId: id, messageId: "m1", seq: 1 });
  h.socket().server({ type: "chat", ...msg(1, "u1", { clientMsgId: id }) });
  assert.deepEqual(h.client.room("org")!.pending, []);
});

test("a refusal for good marks the message failed, tells the error listeners and never re-sends it", async () => {
  const h = harness();
  const errors: string[] = [];
  h.client.onError((e) => errors.push(e.code));
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", []);
  const id = h.client.send("org", "x".repeat(5000));
  h.socket().server({ type: "error", code: "MESSAGE_TOO_LONG", message: "at most 4000 characters", roomId: "org", clientMsgId: id });
  assert.equal(h.client.room("org")!.pending[0].status, "failed");
  assert.deepEqual(errors, ["MESSAGE_TOO_LONG"]);
  h.socket().drop(1006);
  await h.runTimers();
  await h.connect();
  h.answerJoin("org", []);
  assert.equal(h.socket().frames("chat").length, 0);
  h.client.discard("org", id);
  assert.deepEqual(h.client.room("org")!.pending, []);
});

test("a room the token may not join is refused with an error frame and not rejoined", async () => {
  const h = harness();
  h.client.join("property-9");
  h.client.start();
  await h.connect();
  h.socket().server({ type: "error", code: "FORBIDDEN", message: "room property-9 is not one of yours", roomId: "property-9" });
  assert.equal(h.client.room("property-9")!.joined, false);
  assert.equal(h.client.room("property-9")!.error?.code, "FORBIDDEN");
  assert.equal(h.client.health.state, "live", "the socket stays");
});

test("history paging asks before the first seq held and puts older messages first", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", [msg(51), msg(52)], { hasMore: true });
  h.client.loadOlder("org", 2);
  h.client.loadOlder("org", 2);
  assert.deepEqual(h.socket().frames("history"), [{ type: "history", roomId: "org", before: 51, limit: 2 }], "one page at a time");
  assert.equal(h.client.room("org")!.loadingOlder, true);
  h.socket().server({ type: "history", roomId: "org", messages: [msg(49), msg(50)], hasMore: true });
  assert.deepEqual(seqs(h.client), [49, 50, 51, 52]);
  h.socket().server({ type: "chat", ...msg(53) });
  assert.deepEqual(seqs(h.client), [49, 50, 51, 52, 53], "paging never moves the live end");
  h.client.loadOlder("org");
  h.socket().server({ type: "history", roomId: "org", messages: [msg(48)], hasMore: false });
  assert.equal(h.client.room("org")!.hasMore, false);
  h.client.loadOlder("org");
  assert.equal(h.socket().frames("history").length, 2, "nothing older to ask for");
});

test("edits and deletes change the message in place; a deleted one keeps its seq as a tombstone", async () => {
  const h = harness();
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", [msg(1, "u1"), msg(2, "u1")]);
  h.client.edit("org", "m1", "fixed");
  h.client.delete("org", "m2");
  assert.deepEqual(h.socket().frames("edit"), [{ type: "edit", roomId: "org", messageId: "m1", text: "fixed" }]);
  assert.deepEqual(h.socket().frames("delete"), [{ type: "delete", roomId: "org", messageId: "m2" }]);
  h.socket().server({ type: "edited", roomId: "org", messageId: "m1", seq: 1, text: "fixed", editedAt: "2026-11-30T07:01:00Z" });
  h.socket().server({ type: "deleted", roomId: "org", messageId: "m2", seq: 2 });
  const [one, two] = h.client.room("org")!.messages;
  assert.equal(one.text, "fixed");
  assert.equal(one.editedAt, "2026-11-30T07:01:00Z");
  assert.deepEqual([two.seq, two.deleted, two.text], [2, true, ""]);
});

test("close 4800 (chat store unavailable) reconnects; 4001 stops", async () => {
  const h = harness();
  h.client.start();
  await h.connect();
  h.socket().drop(4800, "");
  assert.equal(h.client.health.state, "reconnecting");
  await h.runTimers();
  await h.connect();
  h.socket().drop(4001, '{"code":"UNAUTHORIZED","message":"token expired"}');
  assert.equal(h.client.health.state, "stopped");
  assert.equal(h.client.health.failure?.cause, "auth");
});

test("a token is refreshed on the socket before it expires", async () => {
  const exp = 2000; // seconds; the harness's clock starts at 1,000 s
  const jwt = (e: number) => `h.${Buffer.from(JSON.stringify({ exp: e })).toString("base64url")}.s`;
  let issued = 0;
  const h = harness({ token: () => jwt(exp + 1000 * issued++), refreshBeforeMs: 60_000 });
  h.client.start();
  await h.connect();
  const refresh = h.timers.find((t) => t.ms === 2_000_000 - 60_000 - 1_000_000);
  assert.ok(refresh, "scheduled a minute before exp");
  refresh.fn();
  await tick();
  assert.deepEqual(h.socket().frames("refresh"), [{ type: "refresh", token: jwt(3000) }]);
});

test("a room holds at most maxMessagesPerRoom messages; the older ones can be paged in again", async () => {
  const h = harness({ maxMessagesPerRoom: 3 });
  h.client.join("org");
  h.client.start();
  await h.connect();
  h.answerJoin("org", [msg(1)]);
  for (let seq = 2; seq <= 5; seq++) h.socket().server({ type: "chat", ...msg(seq) });
  assert.deepEqual(seqs(h.client), [3, 4, 5]);
  assert.equal(h.client.room("org")!.hasMore, true);
});

/** Two tabs of one browser: shared locks and a BroadcastChannel bus. */
function twoTabs() {
  const locks = new FakeLocks();
  const bus = new Bus();
  const sockets: FakeSocket[] = [];
  let ids = 0;
  const tab = (name: string) =>
    new ChatClient({
      baseUrl: "http://bellhop.test",
      orgId: "org-1",
      userId: "u1",
      token: () => "t.e30.s",
      visibility: null,
      locks,
      createChannel: () => bus.channel(),
      tabTiming: { silenceMs: 60_000, probeMs: 60_000 },
      backoff: { baseMs: 1, maxMs: 1, stableMs: 60_000, random: () => 0 },
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      newClientMsgId: () => `${name}-${++ids}`,
    });
  return { tab, sockets, socket: () => sockets.at(-1)! };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await tick(5);
  assert.ok(ok(), what);
}

test("tabs share one socket: a follower's message goes out on the leader's and both see the room", async (ctx) => {
  const t = twoTabs();
  const a = t.tab("a");
  const b = t.tab("b");
  ctx.after(() => (a.stop(), b.stop()));
  a.start();
  await until("a leads and connects", () => t.sockets.length === 1);
  b.start();
  b.join("org");
  await tick(20);
  assert.equal(t.sockets.length, 1, "one socket for both tabs");
  assert.equal(b.health.role, "follower");
  t.socket().open();
  t.socket().server({ type: "ready", userId: "u1", rooms: [{ roomId: "org", lastSeq: 0, readSeq: 0, unread: 0 }] });
  await until("the follower's join went out on the leader's socket", () => t.socket().frames("join").length === 1);
  t.socket().server({ type: "history", roomId: "org", messages: [], hasMore: false, caughtUp: true });
  t.socket().server({ type: "presence", roomId: "org", users: [], full: true });
  const id = b.send("org", "from tab b");
  assert.equal(b.room("org")!.pending[0].clientMsgId, id, "echoed at once in the tab that wrote it");
  await until("sent by the leader", () => t.socket().frames("chat").length === 1);
  assert.equal(t.socket().frames("chat")[0].clientMsgId, id);
  t.socket().server({ type: "sent", roomId: "org", clientMsgId: id, messageId: "m1", seq: 1 });
  t.socket().server({ type: "chat", ...msg(1, "u1", { clientMsgId: id, text: "from tab b" }) });
  t.socket().server({ type: "activity", roomId: "property-7", seq: 4, messageId: "m4", senderId: "u2", createdAt: "" });
  await until("the follower sees the message and the unread count", () =>
    b.room("org")?.messages.length === 1 && b.unreadCounts()["property-7"] === 1);
  assert.deepEqual(b.room("org")!.pending, []);
  assert.equal(b.health.state, "live");
});

test("when the leader tab closes, the next tab resumes with the same cursors and re-sends pending messages once", async (ctx) => {
  const t = twoTabs();
  const a = t.tab("a");
  const b = t.tab("b");
  ctx.after(() => (a.stop(), b.stop()));
  a.start();
  a.join("org");
  await until("a connects", () => t.sockets.length === 1);
  b.start();
  await tick(10);
  t.socket().open();
  t.socket().server({ type: "ready", userId: "u1", rooms: [] });
  t.socket().server({ type: "history", roomId: "org", messages: [msg(1), msg(2)], hasMore: false, caughtUp: true });
  t.socket().server({ type: "presence", roomId: "org", users: [], full: true });
  const id = b.send("org", "written in b");
  await until("sent by a", () => t.socket().frames("chat").length === 1);
  a.stop(); // the tab closes before `sent` came back
  await until("b leads and connects", () => t.sockets.length === 2);
  assert.equal(b.health.role, "leader");
  t.socket().open();
  t.socket().server({ type: "ready", userId: "u1", rooms: [] });
  assert.deepEqual(t.socket().frames("join"), [{ type: "join", roomId: "org", after: 2 }]);
  t.socket().server({ type: "history", roomId: "org", messages: [], hasMore: false, caughtUp: true });
  t.socket().server({ type: "presence", roomId: "org", users: [], full: true });
  assert.deepEqual(t.socket().frames("chat").map((f) => f.clientMsgId), [id], "re-sent once, same clientMsgId");
});
