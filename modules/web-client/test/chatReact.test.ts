import { test } from "node:test";
import assert from "node:assert/strict";
import { createElement } from "react";
import TestRenderer, { act } from "react-test-renderer";
import { render } from "./render.js";
import { ChatClient } from "../src/chat.js";
import type { ChatRoom } from "../src/chatTypes.js";
import { SocketLike } from "../src/transport.js";
import { useChatConnection, useChatRoom, useUnreadCounts } from "../src/react.js";

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

test("useChatRoom joins while mounted and re-renders on messages; useUnreadCounts follows other rooms", async () => {
  const sent: any[] = [];
  let socket: SocketLike | undefined;
  const client = new ChatClient({
    orgId: "org-1", userId: "u1", token: () => "T", shareAcrossTabs: false, visibility: null,
    baseUrl: "http://bellhop.test",
    createSocket: () => {
      socket = { send: (d) => void sent.push(JSON.parse(d)), close() {}, onopen: null, onmessage: null, onclose: null };
      return socket;
    },
  });
  const server = (msg: unknown) => socket!.onmessage!({ data: JSON.stringify(msg) });
  let room: ChatRoom | undefined;
  let unread: Record<string, number> = {};
  function Panel(props: { roomId?: string }) {
    useChatConnection(client);
    room = useChatRoom(client, props.roomId);
    unread = useUnreadCounts(client);
    return null;
  }
  let root: TestRenderer.ReactTestRenderer;
  await act(async () => {
    root = render(createElement(Panel, { roomId: "org" }));
  });
  await act(async () => {
    socket!.onopen!({});
    server({ type: "ready", userId: "u1", rooms: [{ roomId: "property-7", lastSeq: 3, readSeq: 1, unread: 2 }] });
  });
  assert.deepEqual(sent.filter((f) => f.type === "join"), [{ type: "join", roomId: "org" }]);
  await act(async () => {
    server({ type: "history", roomId: "org", messages: [], hasMore: false, caughtUp: true });
    server({ type: "chat", messageId: "m1", seq: 1, roomId: "org", sender: { id: "u2", name: "Asha" }, text: "<b>hi</b>", createdAt: "" });
    server({ type: "activity", roomId: "property-7", seq: 4, messageId: "m4", senderId: "u2", createdAt: "" });
  });
  assert.deepEqual(room?.messages.map((m) => m.text), ["<b>hi</b>"]);
  assert.equal(unread["property-7"], 3);
  await act(async () => root.update(createElement(Panel, {})));
  assert.deepEqual(sent.filter((f) => f.type === "leave"), [{ type: "leave", roomId: "org" }], "left when no longer shown");
  await act(async () => root.unmount());
  assert.equal(client.health.state, "stopped");
});
