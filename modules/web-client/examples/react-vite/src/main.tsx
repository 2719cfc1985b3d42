import { createRoot } from "react-dom/client";
import { RealtimeClient, StorageCursorStore, type TransportName } from "@bellhop/web-client";
import { RealtimeProvider } from "@bellhop/web-client/react";
import { App } from "./App";

// Where Bellhop runs: another origin than this page. A real app would take it from its build
// configuration (import.meta.env.VITE_BELLHOP_URL); the query parameter lets the tests point it.
const params = new URLSearchParams(location.search);
const bellhop = params.get("bellhop") ?? import.meta.env.VITE_BELLHOP_URL ?? "http://localhost:8080";
const orgId = params.get("org") ?? "org-1";
const transports = params.get("transports")?.split(",") as TransportName[] | undefined;

// The token comes from this app's own backend, on this page's origin (in development, Vite's proxy
// to Bellhop's /dev/token: see vite.config.ts).
async function fetchToken(extra = ""): Promise<string> {
  const res = await fetch(`/api/token?sub=front-desk&orgId=${orgId}&roles=staff${extra}`);
  if (!res.ok) throw new Error(`token request failed: ${res.status}`);
  return (await res.json()).token;
}

const client = new RealtimeClient({
  baseUrl: bellhop,
  orgId,
  token: () => fetchToken(),
  services: ["guest", "finance"],
  cursorStore: new StorageCursorStore(sessionStorage),
  eventTarget: window,
  transports,
});

createRoot(document.getElementById("root")!).render(
  <RealtimeProvider client={client}>
    {/* Uploads name a property: their token allows the one this desk works for. */}
    <App bellhop={bellhop} uploadToken={() => fetchToken("&propertyIds=lisbon-1")} />
  </RealtimeProvider>,
);
