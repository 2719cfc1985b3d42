import { createContext } from "react";
import type { RealtimeClient } from "./client.js";

/** The client of the nearest <RealtimeProvider>, or null outside one. */
export const ClientContext = createContext<RealtimeClient | null>(null);
