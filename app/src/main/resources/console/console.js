// Bellhop's live operations console: signs in with a dev token, runs one RealtimeClient, shows its
// health and the events it delivers. End-to-end tests drive it through window.bellhopConsole and
// the data-testid attributes in index.html.
import { RealtimeClient, StorageCursorStore, CLOSE_CODES } from "/console/client/index.js";
import { uploadPanel } from "/console/uploads.js";
import { chatPanel } from "/console/chat.js";

const TRANSPORTS = ["websocket", "sse", "poll"];
const TRANSPORT_NAMES = { websocket: "WebSocket", sse: "SSE", poll: "long-poll" };
const MAX_ROWS = 500;
const PAYLOAD_CHARS = 240;
const TOKEN_TTL_S = 3600;
// Longer than the client's refresh lead (60 s before exp), so its refresh gets a fresh token.
const TOKEN_REUSE_MARGIN_MS = 120_000;
const METRICS_EVERY_MS = 2000;
const STATUS_SHOW_MS = 5000;
// Bounds the test hook's memory in a console left open for days.
const HOOK_EVENTS_KEPT = 50_000;

const $ = (selector, root = document) => root.querySelector(selector);
const clone = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const between = (min, max) => min + Math.floor(Math.random() * (max - min + 1));
const room = () => String(between(1, 6) * 100 + between(1, 24));
const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const formatMs = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const formatCount = (n) => (typeof n === "number" ? n.toLocaleString("en-US") : "—");
const counted = (n, noun) => `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;
const TIME = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hourCycle: "h23",
});
const GUESTS = ["Ana Souza", "Kenji Watanabe", "Maja Lindqvist", "Omar Haddad", "Claire Dubois"];
const STAFF = ["M. Keller", "J. Okafor", "L. Rossi", "S. Nguyen"];

/**
 * The server's services (io.bellhop.events.Service), each with its sample event: [type, payload].
 * test/console.test.ts in modules/web-client checks the keys against Service.java.
 */
const SAMPLES = {
  finance: ["revenue.created", () =>
    ({ amount: between(90, 480), currency: "EUR", category: pick(["room", "f&b", "spa"]) })],
  guest: ["checkin.completed", () => ({ guestName: pick(GUESTS), room: room(), nights: between(1, 6) })],
  staff: ["shift.started", () =>
    ({ employee: pick(STAFF), role: pick(["front desk", "housekeeping", "night audit"]) })],
  tasks: ["task.assigned", () =>
    ({ title: pick(["Replace towels", "Fix minibar"]), room: room(), assignee: pick(STAFF) })],
  properties: ["room.status.changed", () => ({ room: room(), from: "dirty", to: pick(["clean", "ready"]) })],
  users: ["user.invited", () => ({ email: `staff${between(10, 99)}@example.com`, role: "staff" })],
  dashboard: ["occupancy.updated", () => ({ occupancy: between(60, 98) / 100, adrEur: between(110, 190) })],
  branding: ["theme.updated", () => ({ primaryColor: "#4f5bd5", logoVersion: between(2, 9) })],
  analytics: ["report.ready", () => ({ report: "daily-pickup", rows: between(40, 400) })],
  reports: ["export.completed", () =>
    ({ report: pick(["night-audit", "arrivals", "housekeeping"]), format: "pdf", pages: between(2, 40) })],
};
const SERVICES = Object.keys(SAMPLES);
const ORG_WIDE = new Set(["users", "branding", "analytics"]); // samples without a propertyId
const SAMPLE_PROPERTY = "7";

/** The server's id grammar (platform Ids.GRAMMAR; test/console.test.ts checks it). */
const ID_GRAMMAR = "[A-Za-z0-9_-]{1,64}";
const ID = new RegExp(`^${ID_GRAMMAR}$`);
const ID_FIELDS = { org: "Org id", user: "User", property: "Property id" };

let session; // the signed-in state, undefined when signed out
let signingIn = false;
let statusTimer;

// ---- sign-in form ----

function readQuery() {
  const q = new URLSearchParams(location.search);
  const list = (name, allowed) =>
    q.get(name)?.split(",").map((s) => s.trim()).filter((s) => allowed.includes(s));
  return {
    org: q.get("org"), user: q.get("user"), property: q.get("property"),
    services: list("services", SERVICES), transports: list("transports", TRANSPORTS),
    autostart: q.get("autostart") === "1",
  };
}

function fillForm(query) {
  const form = $("#signin-form");
  for (const name of ["org", "user", "property"]) {
    if (query[name] !== null) form.elements[name].value = query[name];
  }
  const selected = query.services ?? SERVICES;
  const choices = SERVICES.map((name) => serviceChoice(name, selected.includes(name)));
  $("#service-choices").replaceChildren(...choices);
}

function serviceChoice(name, checked) {
  const label = document.createElement("label");
  const input = Object.assign(document.createElement("input"), { type: "checkbox", name: "services" });
  Object.assign(input, { value: name, checked });
  label.append(input, name);
  return label;
}

function readForm(query) {
  const form = $("#signin-form");
  return {
    orgId: form.elements.org.value.trim(),
    user: form.elements.user.value.trim(),
    propertyId: form.elements.property.value.trim() || undefined,
    services: [...form.querySelectorAll('input[name="services"]:checked')].map((i) => i.value),
    transports: query.transports?.length ? query.transports : undefined,
  };
}

/** Why the server would refuse this id field's value; undefined if it would not. */
function idProblem(name, value) {
  const label = ID_FIELDS[name];
  if (!value) return name === "property" ? undefined : `${label} is required.`;
  if (ID.test(value)) return undefined;
  return `${label} may only contain letters, digits, "_" and "-", at most 64 of them.`;
}

/** Marks every id field the server would refuse; returns the first, with why. */
function invalidField(form) {
  let first;
  for (const name of Object.keys(ID_FIELDS)) {
    const input = form.elements[name];
    const problem = idProblem(name, input.value.trim());
    input.setAttribute("aria-invalid", String(Boolean(problem)));
    if (problem && !first) first = { input, message: problem };
  }
  return first;
}

function showSigninError(message) {
  $("#signin-error").textContent = message ?? "";
  $("#signin-error").hidden = !message;
}

// ---- tokens ----

async function devToken(settings, roles, propertyIds) {
  const q = new URLSearchParams({ sub: settings.user, orgId: settings.orgId, roles, ttl: `${TOKEN_TTL_S}` });
  if (propertyIds) q.set("propertyIds", propertyIds);
  let res;
  try {
    res = await fetch(`/dev/token?${q}`, { cache: "no-store" });
  } catch (e) {
    throw new Error(`Could not reach the server for a dev token (${e.message}).`);
  }
  if ([401, 403, 404].includes(res.status)) {
    throw new Error(`GET /dev/token answered ${res.status}: this server issues no dev tokens ` +
      "(production, or bellhop.dev-tokens=false). Use a token from your identity provider.");
  }
  if (!res.ok) throw new Error(`GET /dev/token answered ${res.status} ${res.statusText}.`);
  const body = await res.json().catch(() => ({}));
  if (typeof body.token !== "string") throw new Error("GET /dev/token answered without a token.");
  return body;
}

/** A token function for the client and our own requests: reuses a token until it nears expiry. */
function tokenSource(settings, roles, propertyIds) {
  let current;
  return async () => {
    if (!current || current.expiresAt * 1000 - Date.now() < TOKEN_REUSE_MARGIN_MS) {
      current = await devToken(settings, roles, propertyIds);
    }
    return current.token;
  };
}

// ---- session ----

async function signIn(settings) {
  if (session || signingIn) return;
  showSigninError(null);
  const invalid = invalidField($("#signin-form"));
  if (invalid) {
    invalid.input.focus();
    return showSigninError(invalid.message);
  }
  if (settings.services.length === 0) return showSigninError("Pick at least one service.");
  const button = $('[data-testid="signin"]');
  const label = button.textContent;
  signingIn = button.disabled = true;
  button.textContent = "Signing in…";
  try {
    // Without a property the user sees the whole org: a plain staff token would see no property.
    const roles = settings.propertyId ? "staff" : "staff,org_admin";
    const staffToken = tokenSource(settings, roles, settings.propertyId);
    await staffToken(); // a missing /dev/token fails here, on the form, not inside the client
    startSession(settings, staffToken);
  } catch (e) {
    showSigninError(e.message);
  } finally {
    signingIn = button.disabled = false;
    button.textContent = label;
  }
}

function startSession(settings, staffToken) {
  const { orgId, services, propertyId, transports } = settings;
  const cursorStore = new StorageCursorStore(sessionStorage);
  const hadCursor = cursorStore.load(orgId) !== undefined;
  const client = new RealtimeClient({
    orgId, token: staffToken, services, propertyId, transports, cursorStore, eventTarget: window,
  });
  const s = {
    settings, client, hadCursor,
    publisherToken: tokenSource(settings, "publisher"),
    opsToken: tokenSource(settings, "ops"),
    counts: new Map(), total: 0, filter: { text: "", service: "" }, rowText: new WeakMap(),
    hook: { client, events: [], health: () => client.health },
  };
  buildWorkspace(s);
  s.hook.upload = uploadPanel(s.view.root, { propertyId, token: staffToken, client });
  s.hook.chat = chatPanel(s.view.root, { orgId, userId: settings.user, token: staffToken });
  session = s;
  window.bellhopConsole = s.hook;
  for (const service of services) client.on(service, (event) => onEvent(s, event));
  client.onHealth((h) => {
    trackResume(s, h);
    renderHealth(s);
  });
  showSignedIn(s);
  client.start();
  startMetrics(s);
}

function signOut() {
  const s = session;
  if (!s) return;
  session = undefined;
  s.client.stop();
  s.hook.chat.client.stop();
  s.hook.upload.client?.pause(); // kept for a resume: choosing the same file again continues it
  clearInterval(s.metricsTimer);
  s.view.root.remove();
  delete window.bellhopConsole;
  showSignedIn(undefined);
}

function showSignedIn(s) {
  $("#signin-view").hidden = Boolean(s);
  $("#publish").hidden = $("#signout").hidden = $("#session-info").hidden = !s;
  $("#publish-status").textContent = "";
  if (!s) return;
  const { orgId, user, propertyId, transports } = s.settings;
  const property = propertyId ? `property ${propertyId}` : "all properties";
  $("#session-info").textContent = [orgId, user, property, transports].filter(Boolean).join(" · ");
}

// ---- workspace ----

function buildWorkspace(s) {
  const root = clone("workspace-template");
  const fields = {};
  for (const el of root.querySelectorAll("[data-h]")) fields[el.dataset.h] = el;
  const items = new Map([["", serviceItem(s, "", "All")]]);
  for (const name of s.settings.services) items.set(name, serviceItem(s, name, name));
  fields.services.replaceChildren(...[...items.values()].map((item) => item.li));
  fields.filter.addEventListener("input", () => {
    s.filter.text = fields.filter.value.trim().toLowerCase();
    applyFilter(s);
  });
  fields.clear.addEventListener("click", () => {
    fields.feed.replaceChildren();
    updateShown(s);
  });
  s.view = { root, fields, feed: fields.feed, items };
  $("#main").append(root);
  updateShown(s);
}

function serviceItem(s, service, label) {
  const li = clone("service-template");
  const button = $("button", li);
  $(".name", li).textContent = label;
  button.dataset.service = service;
  button.classList.toggle("active", service === "");
  button.addEventListener("click", () => {
    s.filter.service = service;
    for (const item of s.view.items.values()) item.button.classList.toggle("active", item === self);
    applyFilter(s);
  });
  const self = { li, button, count: $(".count", li) };
  return self;
}

// ---- health ----

/**
 * Keeps whether the live connection was opened with a cursor. The ack's `recovered` is false both
 * when there was nothing to resume and when the gap was lost; only this tells them apart, and the
 * client keeps it to itself. A connect sends the tab's cursor (h.cursor) or, before the first ack,
 * the one an earlier page of this tab stored (hadCursor). A follower's first "connecting" is its
 * wait for a leader, not a connect; the leader's cursor reaches it as h.cursor.
 */
function trackResume(s, h) {
  if (h.state.endsWith("connecting")) {
    s.connectSendsCursor = h.cursor !== undefined || (s.hadCursor && h.role !== "follower");
  }
  if (h.state === "live" && s.lastState !== "live") s.liveSentCursor = Boolean(s.connectSendsCursor);
  s.lastState = h.state;
}

/** The last connect, in words: `recovered: false` alone reads like data loss when it is not. */
function describeResume(s, h) {
  if (h.recovered === undefined) return { text: "—" };
  if (h.recovered) return { text: "resumed", title: "The server replayed what was missed." };
  if (!s.liveSentCursor) return { text: "fresh start", title: "No cursor to resume from: live from now on." };
  return { text: "gap not replayable", tone: "warn", title: "Refetch state: the missed events are gone." };
}

function renderHealth(s) {
  const h = s.client.health;
  const f = s.view.fields;
  f.dot.dataset.state = f.state.textContent = h.state;
  f.transport.textContent = h.transport ?? "—";
  f.role.textContent = h.role;
  f.cursor.textContent = h.cursor ? `${shorten(h.cursor.epoch, 7)}:${h.cursor.seq}` : "—";
  f.cursor.title = h.cursor ? `epoch ${h.cursor.epoch}, seq ${h.cursor.seq}` : "";
  f.cursor.dataset.seq = h.cursor?.seq ?? "";
  f.cursor.dataset.epoch = h.cursor?.epoch ?? "";
  f.reconnects.textContent = String(h.reconnects);
  f.close.textContent = f.close.title = h.lastClose ? describeClose(h.lastClose) : "—";
  f.lag.textContent = h.lagMs === undefined ? "—" : formatMs(h.lagMs);
  const resume = describeResume(s, h);
  f.recovered.textContent = resume.text;
  f.recovered.title = resume.title ?? "";
  f.recovered.dataset.tone = resume.tone ?? "";
  const failure = describeFailure(h.failure);
  f.failure.hidden = !failure;
  f.failure.textContent = failure ?? "";
  const notice = noticeFor(s, h);
  f.notice.hidden = !notice;
  if (!notice) return;
  f.notice.dataset.tone = notice.tone;
  f.noticeTitle.textContent = notice.title;
  f.noticeDetail.textContent = notice.detail;
}

function noticeFor(s, h) {
  if (h.state === "stopped" && h.lastClose && CLOSE_CODES[h.lastClose.code]?.retryable === false) {
    const detail = `${describeClose(h.lastClose)}. Sign in again.`;
    return { tone: "error", title: "stopped by the server", detail };
  }
  if (h.state === "disabled") {
    const detail = "The rollout keeps it on the legacy endpoints.";
    return { tone: "info", title: "streaming is off for this org", detail };
  }
  if (h.recovered !== false || !s.liveSentCursor) return undefined;
  const title = "gap not replayable — refetch state";
  return { tone: "warn", title, detail: "The server no longer holds the events this tab missed." };
}

const FAILURE_CAUSES = {
  cors: "this page's origin is not allowed by the server (CORS)",
  network: "the server cannot be reached (network)",
  auth: "the server does not accept the token (auth)",
  refused: "the server refuses the connection",
};

/** Why the client cannot connect (health.failure, set until it is live again), in one line. */
function describeFailure(failure) {
  if (!failure) return undefined;
  const cause = FAILURE_CAUSES[failure.cause];
  return [cause ? `Cannot connect: ${cause}` : "Cannot connect", failure.message].filter(Boolean).join(" — ");
}

function describeClose({ code, reason }) {
  const name = CLOSE_CODES[code]?.name;
  return [name ? `${code} ${name}` : String(code), reason].filter(Boolean).join(" · ");
}

// ---- feed ----

function onEvent(s, event) {
  const row = buildRow(s, event);
  row.hidden = !matches(s, row);
  s.view.feed.prepend(row);
  const renderedAt = performance.timeOrigin + performance.now();
  s.hook.events.push({ eventId: event.eventId, service: event.service, seq: event.seq, renderedAt });
  if (s.hook.events.length > 2 * HOOK_EVENTS_KEPT) s.hook.events.splice(0, HOOK_EVENTS_KEPT);
  while (s.view.feed.childElementCount > MAX_ROWS) s.view.feed.lastElementChild.remove();
  count(s, event.service);
  // The client sets lagMs after its handlers ran: render health once the whole batch is delivered.
  if (!s.healthQueued) queueMicrotask(() => ((s.healthQueued = false), renderHealth(s)));
  s.healthQueued = true;
  updateShown(s);
}

function buildRow(s, event) {
  const row = clone("row-template");
  const eventId = String(event.eventId);
  const payload = JSON.stringify(event.payload) ?? "null";
  Object.assign(row.dataset, { service: event.service, eventId, seq: event.seq });
  fill(row, ".time", formatTime(event.occurredAt), event.occurredAt);
  fill(row, ".service", event.service);
  fill(row, ".type", event.type, event.type);
  fill(row, ".property", event.propertyId ?? "—");
  fill(row, ".event-id", eventId, eventId); // cut by CSS where the column is narrow
  fill(row, ".seq", String(event.seq));
  fill(row, ".payload", shorten(payload, PAYLOAD_CHARS), shorten(payload, 2000));
  s.rowText.set(row, `${event.type} ${eventId} ${payload}`.toLowerCase());
  return row;
}

function fill(row, selector, text, title) {
  const el = $(selector, row);
  el.textContent = text;
  if (title) el.title = title;
}

function matches(s, row) {
  const { text, service } = s.filter;
  return (!service || row.dataset.service === service) && (!text || s.rowText.get(row).includes(text));
}

function applyFilter(s) {
  for (const row of s.view.feed.children) row.hidden = !matches(s, row);
  updateShown(s);
}

function count(s, service) {
  s.total += 1;
  s.counts.set(service, (s.counts.get(service) ?? 0) + 1);
  s.view.items.get("").count.textContent = formatCount(s.total);
  const item = s.view.items.get(service);
  if (item) item.count.textContent = formatCount(s.counts.get(service));
}

// Counting visible rows walks the feed, so under load it runs at most every 100 ms.
function updateShown(s) {
  if (s.shownTimer) return;
  s.shownTimer = setTimeout(() => {
    s.shownTimer = undefined;
    const rows = [...s.view.feed.children];
    const visible = rows.filter((row) => !row.hidden).length;
    s.view.fields.shown.textContent = s.filter.text || s.filter.service
      ? `${visible} of ${rows.length} rows`
      : `${rows.length} rows (newest ${MAX_ROWS} kept)`;
  }, 100);
}

// ---- publish ----

function sampleEvent(settings, service) {
  const [type, payload] = SAMPLES[service];
  const propertyId = ORG_WIDE.has(service) ? undefined : (settings.propertyId ?? SAMPLE_PROPERTY);
  const occurredAt = new Date().toISOString();
  const orgId = settings.orgId;
  return { eventId: randomId(), service, type, orgId, propertyId, occurredAt, payload: payload() };
}

async function publishSamples(s) {
  $("#publish").disabled = true;
  try {
    const events = s.settings.services.map((service) => sampleEvent(s.settings, service));
    const res = await fetch("/v2/realtime/events", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await s.publisherToken()}` },
      body: JSON.stringify(events),
    });
    const body = await res.json().catch(() => ({}));
    const error = [res.status, body.code ?? res.statusText, body.message].filter(Boolean).join(" ");
    if (!res.ok) throw new Error(error);
    const seqs = body.seqs ?? [];
    const range = seqs.length ? ` · seq ${Math.min(...seqs)}–${Math.max(...seqs)}` : "";
    const dups = body.duplicates ? ` · ${body.duplicates} duplicates` : "";
    showStatus(`Published ${body.accepted} events${range}${dups}`, "ok");
    setTimeout(() => s.refreshMetrics?.(), 250); // show the delivery in the server's counters
  } catch (e) {
    showStatus(`Publish failed: ${e.message}`, "error");
  } finally {
    $("#publish").disabled = false;
  }
}

function showStatus(text, tone) {
  const el = $("#publish-status");
  el.textContent = el.title = text;
  el.dataset.tone = tone;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => (el.textContent = ""), STATUS_SHOW_MS);
}

// ---- server metrics (optional: needs an ops token) ----

function startMetrics(s) {
  const tick = async () => {
    try {
      const headers = { Authorization: `Bearer ${await s.opsToken()}` };
      const res = await fetch("/v2/realtime/metrics", { headers, cache: "no-store" });
      if (!res.ok) {
        if (res.status < 500) clearInterval(s.metricsTimer); // refused: asking again will not help
        throw new Error(`GET /v2/realtime/metrics answered ${res.status}`);
      }
      renderMetrics(s, await res.json());
    } catch (e) {
      s.view.fields.metrics.textContent = `Server metrics unavailable: ${e.message}`;
    }
  };
  s.refreshMetrics = tick;
  s.metricsTimer = setInterval(tick, METRICS_EVERY_MS);
  void tick();
}

function renderMetrics(s, m) {
  const ms = (v) => (typeof v === "number" ? `${v.toFixed(1)} ms` : "—");
  const by = m.activeByTransport; // absent on servers that count sockets only
  const transports = by
    ? ` (${TRANSPORTS.map((t) => `${formatCount(by[t] ?? 0)} ${TRANSPORT_NAMES[t]}`).join(", ")})`
    : "";
  s.view.fields.metrics.textContent = [
    "Server", `${counted(m.activeConnections, "connection")}${transports}`,
    `${counted(m.eventsDelivered, "event")} delivered`,
    `latency p50 ${ms(m.p50LatencyMs)} · p95 ${ms(m.p95LatencyMs)} · p99 ${ms(m.p99LatencyMs)}`,
    counted(m.slowConsumerDisconnects, "slow consumer"), counted(m.errorCount, "error"),
  ].join(" · ");
}

// ---- formatting ----

function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso ?? "—";
  return TIME.format(d);
}

// crypto.randomUUID exists only in secure contexts (https, localhost); plain http gets a weaker id.
function randomId() {
  return crypto.randomUUID?.() ?? `console-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// ---- boot ----

function boot() {
  const query = readQuery();
  fillForm(query);
  $("#signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void signIn(readForm(query));
  });
  $("#publish").addEventListener("click", () => session && void publishSamples(session));
  $("#signout").addEventListener("click", signOut);
  if (query.autostart) void signIn(readForm(query));
}

boot();
