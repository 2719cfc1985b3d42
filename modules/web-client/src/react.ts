/**
 * Thin React bindings (`@bellhop/web-client/react`): React is a peer dependency of this entry
 * point only; the core client has no runtime dependencies.
 */
import { createElement, ReactNode, useContext, useEffect, useRef, useState } from "react";
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
