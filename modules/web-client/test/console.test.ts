/** The console's copies of server facts (app/src/main/resources/console/console.js) match them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { consoleIdGrammar, consoleServices, serverIdGrammar, serverServices } from "./sources.js";

test("the console offers and publishes samples of exactly the server's services", () => {
  assert.ok(serverServices().includes("reports"), "read Service.java");
  assert.deepEqual(consoleServices(), serverServices());
});

test("the console's sign-in form checks ids with the server's grammar", () => {
  assert.equal(consoleIdGrammar(), serverIdGrammar());
  const id = new RegExp(`^${consoleIdGrammar()}$`);
  for (const ok of ["grand-hotel-lisbon", "front_desk", "7", "a".repeat(64)]) assert.ok(id.test(ok), ok);
  for (const bad of ["", "grand hotel", "org.1", "org/1", "a".repeat(65), "é"]) assert.ok(!id.test(bad), bad);
});
