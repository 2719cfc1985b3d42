/**
 * Thin React bindings (`@bellhop/web-client/react`): React is a peer dependency of this entry
 * point only; the core client has no runtime dependencies.
 */
import { createElement, ReactNode, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { ChatClient, ChatHealth, SendOptions } from "./chat.js";
import type { ChatRoom } from "./chatTypes.js";
import type { EventEnvelope, Health, RealtimeClient } from "./client.js";
import { ClientContext } from "./reactContext.js";

export { DocumentUpload } from "./documentUpload.js";
export type { DocumentUploadProps } from "./documentUpload.js";

/** Starts the client while mounted and stops it on unmount; its children can use the hooks. */
export function RealtimeProvider(props: { client: RealtimeClient; children?: ReactNode }) {
  const { client } = props;
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);
  return createElement(ClientContext.Provider, { value: client }, props.children);
}

export function useRealtimeClient(): RealtimeClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error("useRealtime* must be used inside <RealtimeProvider>");
  return client;
}

/** Calls the latest `handler` for each event of `service`, once per event. */
export function useRealtimeEvents(service: string, handler: (event: EventEnvelope) => void): void {
  const client = useRealtimeClient();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client.on(service, (e) => latest.current(e)), [client, service]);
}

/** The connection's health, re-rendering on every change. */
export function useRealtimeHealth(): Health {
  const client = useRealtimeClient();
  const [health, setHealth] = useState(client.health);
  useEffect(() => client.onHealth(setHealth), [client]);
  return health;
}

// ---- chat ----

/** Starts the chat client while the calling component is mounted, and stops it after. */
export function useChatConnection(client: ChatClient): void {
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);
}

/** How many mounted components show each room, per client: the room is left when none does. */
const shown = new WeakMap<ChatClient, Map<string, number>>();

/**
 * One room, re-rendering on every change: joined while mounted (left when no component shows it
 * any more; a later join resumes from the last message held), and its read mark follows new
 * messages while the page is visible.
 */
export function useChatRoom(client: ChatClient, roomId: string | undefined): ChatRoom | undefined {
  useEffect(() => {
    if (!roomId) return;
    const counts = shown.get(client) ?? new Map<string, number>();
    shown.set(client, counts);
    counts.set(roomId, (counts.get(roomId) ?? 0) + 1);
    client.join(roomId);
    client.view(roomId);
    return () => {
      const left = (counts.get(roomId) ?? 1) - 1;
      if (left > 0) return void counts.set(roomId, left);
      counts.delete(roomId);
      client.view(undefined);
      client.leave(roomId);
    };
  }, [client, roomId]);
  const subscribe = useCallback((onChange: () => void) => client.onChange(onChange), [client]);
  return useSyncExternalStore(subscribe, () => (roomId ? client.room(roomId) : undefined));
}

/** Unread messages per room id, live for every room of the user (joined or not). */
export function useUnreadCounts(client: ChatClient): Record<string, number> {
  const subscribe = useCallback((onChange: () => void) => client.onChange(onChange), [client]);
  return useSyncExternalStore(subscribe, () => client.unreadCounts());
}

/** Every room known, by id. */
export function useChatRooms(client: ChatClient): ChatRoom[] {
  const subscribe = useCallback((onChange: () => void) => client.onChange(onChange), [client]);
  return useSyncExternalStore(subscribe, () => client.roomList());
}

export function useChatHealth(client: ChatClient): ChatHealth {
  const [health, setHealth] = useState(client.health);
  useEffect(() => client.onHealth(setHealth), [client]);
  return health;
}

/**
 * A composer's wiring: `onInput` on every keystroke (throttled `typing`), `onBlur` (typing
 * stops), `send` (posts, stops typing; blank text is not sent).
 */
export function useChatComposer(client: ChatClient, roomId: string) {
  return {
    onInput: useCallback(() => client.typing(roomId), [client, roomId]),
    onBlur: useCallback(() => client.stopTyping(roomId), [client, roomId]),
    send: useCallback(
      (text: string, options?: SendOptions) => (text.trim() ? client.send(roomId, text, options) : undefined),
      [client, roomId],
    ),
  };
}
