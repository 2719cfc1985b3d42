import { defineConfig } from "vite";

// Bellhop runs on another origin (VITE_BELLHOP_URL). Tokens come from this app's own backend; in
// development Vite stands in for it and forwards /api/token to Bellhop's development helper,
// server to server, so no token endpoint has to be reachable cross-origin.
const bellhop = process.env.VITE_BELLHOP_URL ?? "http://localhost:8080";

export default defineConfig({
  server: {
    proxy: {
      "/api/token": { target: bellhop, rewrite: (path) => path.replace(/^\/api\/token/, "/dev/token") },
    },
  },
});
