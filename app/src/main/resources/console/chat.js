// The console's staff chat: one ChatClient (WS /v2/collaboration/chat/stream) for the session,
// started at sign-in so unread counts change live even while the panel is closed. Open, the panel
// shows the rooms with their unread badges, the selected room's messages (older ones on demand),
// who is typing, who is present and who has read the newest message, and a composer.
// Message text is only ever set with textContent: chat text is data, never markup.
// End-to-end tests drive it through window.bellhopConsole.chat and its data-testid attributes.
import { ChatClient } from "/console/client/index.js";

const DEFAULT_ROOM = "org";
const ROOM_ID = /^(org|property-[A-Za-z0-9_-]{1,64}|direct-[A-Za-z0-9_-]{1,64})$/;
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ERROR_SHOW_MS = 6000;
const NEAR_BOTTOM_PX = 48;
const TIME = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

const clone = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);

/** Wires the panel in `root` (the workspace) for a signed-in user; returns the test hook. */
export function chatPanel(root, { orgId, userId, token }) {
  const f = {};
  for (const el of root.querySelectorAll("[data-c]")) f[el.dataset.c] = el;
  const client = new ChatClient({ orgId, userId, token });
  let selected;
  let errorTimer;
  const hook = { client, health: () => client.health, selected: () => selected, errors: [] };

  client.onChange((ids) => {
    renderRooms();
    if (selected && ids.includes(selected)) renderRoom();
  });
  client.onHealth((h) => {
    f.state.textContent = h.state === "live" ? "" : h.state;
    f.state.dataset.state = h.state;
  });
  client.onError((e) => {
    hook.errors.push(e);
    showError(e.clientMsgId ? undefined : `${e.code}: ${e.message}`);
  });

  f.panel.addEventListener("toggle", () => {
    if (f.panel.open) select(selected ?? DEFAULT_ROOM);
    else if (selected) {
      client.view(undefined);
      client.leave(selected); // its unread count stays live (activity frames)
    }
  });
  f.older.addEventListener("click", () => selected && client.loadOlder(selected));
  f.open.addEventListener("submit", (e) => {
    e.preventDefault();
    void open(f.open.elements.room.value.trim());
  });
  const input = f.composer.elements.text;
  input.addEventListener("input", () => {
    if (selected && input.value) client.typing(selected);
    else if (selected) client.stopTyping(selected);
  });
  input.addEventListener("blur", () => selected && client.stopTyping(selected));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      f.composer.requestSubmit();
    }
  });
  f.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value;
    if (!selected || !text.trim()) return;
    client.send(selected, text);
    input.value = "";
    stickToBottom = true;
  });

  /** A room id, or a user id to open a direct conversation with. */
  async function open(value) {
    if (!value) return;
    if (ROOM_ID.test(value)) return select(value);
    if (!USER_ID.test(value)) return showError(`"${value}" is neither a room nor a user id.`);
    try {
      const res = await fetch("/v2/collaboration/rooms/direct", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token()}` },
        body: JSON.stringify({ userId: value }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(`${res.status} ${body.code ?? ""} ${body.message ?? ""}`.trim());
      f.open.elements.room.value = "";
      select(body.roomId);
    } catch (e) {
      showError(`Could not open a conversation with ${value}: ${e.message}`);
    }
  }

  function select(roomId) {
    if (selected && selected !== roomId) client.leave(selected);
    selected = roomId;
    stickToBottom = true;
    if (!f.panel.open) f.panel.open = true; // its toggle event joins
    client.join(roomId);
    client.view(roomId);
    renderRooms();
    renderRoom();
  }

  function renderRooms() {
    const rooms = client.roomList();
    const ids = rooms.map((r) => r.roomId);
    if (selected && !ids.includes(selected)) ids.push(selected);
    let total = 0;
    f.rooms.replaceChildren(...ids.map((id) => {
      const unread = client.room(id)?.unread ?? 0;
      total += unread;
      const li = clone("chat-room-template");
      const button = li.querySelector("button");
      button.dataset.roomId = id;
      button.classList.toggle("active", id === selected);
      button.querySelector(".name").textContent = roomName(id);
      const badge = button.querySelector(".badge");
      badge.hidden = unread === 0;
      badge.textContent = String(unread);
      button.addEventListener("click", () => select(id));
      return li;
    }));
    f.total.hidden = total === 0;
    f.total.textContent = String(total);
  }

  let stickToBottom = true;
  function renderRoom() {
    const room = selected ? client.room(selected) : undefined;
    f.title.textContent = selected ? roomName(selected) : "";
    const scroll = f.scroll;
    const fromBottom = scroll.scrollHeight - scroll.scrollTop;
    const nearBottom = stickToBottom || fromBottom - scroll.clientHeight < NEAR_BOTTOM_PX;
    if (!room) {
      f.messages.replaceChildren();
      f.older.hidden = true;
      f.typing.textContent = f.presence.textContent = "";
      return;
    }
    const me = client.userId ?? userId;
    const newest = room.messages.at(-1);
    const names = knownNames(room);
    f.messages.replaceChildren(
      ...room.messages.map((m) => messageItem(m, m.sender?.id === me, m === newest ? seenBy(room, m, me, names) : [])),
      ...room.pending.map((p) => pendingItem(p, me)),
    );
    f.older.hidden = !room.hasMore;
    f.older.disabled = room.loadingOlder;
    f.older.textContent = room.loadingOlder ? "Loading…" : "Load older messages";
    f.typing.textContent = typingLine(room.typing);
    f.presence.textContent = room.presence.length
      ? room.presence.map((u) => `${u.name} (${u.status})`).join(", ")
      : room.live ? "nobody else here" : "";
    if (room.error) showError(`${room.error.code}: ${room.error.message}`);
    // New messages keep the view at the bottom; older ones keep what was on screen where it was.
    if (nearBottom) scroll.scrollTop = scroll.scrollHeight;
    else scroll.scrollTop = scroll.scrollHeight - fromBottom;
    stickToBottom = false;
  }

  function showError(text) {
    f.error.hidden = !text;
    f.error.textContent = text ?? "";
    clearTimeout(errorTimer);
    if (text) errorTimer = setTimeout(() => showError(undefined), ERROR_SHOW_MS);
  }

  client.start();
  renderRooms();
  return hook;
}

function messageItem(m, mine, seen) {
  const li = clone("chat-message-template");
  Object.assign(li.dataset, { seq: String(m.seq), messageId: m.messageId, mine: String(mine), state: "stored" });
  li.querySelector(".sender").textContent = m.sender?.name ?? m.sender?.id ?? "?";
  fillTime(li, m.createdAt);
  li.querySelector(".text").textContent = m.deleted ? "message deleted" : m.text;
  li.classList.toggle("deleted", Boolean(m.deleted));
  li.querySelector(".flag").textContent = m.deleted ? "" : m.editedAt ? "edited" : "";
  if (seen.length) {
    const el = li.querySelector(".seen");
    el.hidden = false;
    el.textContent = `Seen by ${seen.join(", ")}`;
  }
  return li;
}

function pendingItem(p, me) {
  const li = clone("chat-message-template");
  Object.assign(li.dataset, { clientMsgId: p.clientMsgId, mine: "true", state: p.status });
  li.classList.add("pending");
  li.querySelector(".sender").textContent = me;
  fillTime(li, p.createdAt);
  li.querySelector(".text").textContent = p.text;
  li.querySelector(".flag").textContent =
    p.status === "failed" ? `not sent: ${p.error?.message ?? p.error?.code ?? "refused"}` :
    p.status === "retrying" ? "waiting to retry…" : p.status === "sent" ? "sent" : "sending…";
  return li;
}

function fillTime(li, iso) {
  const time = li.querySelector(".time");
  const d = new Date(iso);
  time.textContent = Number.isNaN(d.getTime()) ? "" : TIME.format(d);
  time.dateTime = iso ?? "";
}

/** Other members whose read mark reached this message. */
function seenBy(room, message, me, names) {
  return Object.entries(room.receipts)
    .filter(([id, seq]) => id !== me && seq >= message.seq)
    .map(([id]) => names.get(id) ?? id)
    .sort();
}

function knownNames(room) {
  const names = new Map();
  for (const m of room.messages) if (m.sender) names.set(m.sender.id, m.sender.name);
  for (const u of room.presence) names.set(u.id, u.name);
  return names;
}

function typingLine(users) {
  if (users.length === 0) return "";
  const names = users.map((u) => u.name);
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length <= 3) return `${names.slice(0, -1).join(", ")} and ${names.at(-1)} are typing…`;
  return `${names.length} people are typing…`;
}

function roomName(id) {
  if (id === "org") return "Whole org";
  if (id.startsWith("property-")) return `Property ${id.slice("property-".length)}`;
  if (id.startsWith("direct-")) return `Direct ${id.slice("direct-".length, "direct-".length + 6)}…`;
  return id;
}
