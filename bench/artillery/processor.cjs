'use strict';
// Artillery processor for load-test.yml (Bellhop's unified stream, docs/protocol.md).
//
// - mintToken: gives each virtual user a valid HS256 JWT, minted locally with node:crypto exactly
//   like bench/src/main/java/io/bellhop/bench/Jwt.java (header {"alg":"HS256","typ":"JWT"},
//   claims sub, orgId, name, roles ["staff"], iat, exp = iat + 24 h, base64url without padding),
//   and spreads the users round-robin over BELLHOP_ORGS orgs named org-0 .. org-<K-1> (the same
//   names the bench publisher uses, so published events reach them).
//   It also names the cause of a refused handshake (bellhop.refused.<code>,
//   bellhop.closed_before_ack.<close code>), which Artillery reports only as a failed match.
// - listen: after the ack, replaces Artillery's one-shot match handler with a counting one (the
//   engine leaves its match handler attached, which would re-run the match on every later frame)
//   and records what arrives while the user thinks: frames by type, events, publish -> receive
//   latency from the payload's `t` (epoch microseconds stamped by the bench publisher, same
//   clock), and closes the client did not ask for (by close code).
//
// Environment: BELLHOP_JWT_SECRET (default: Bellhop's documented dev secret), BELLHOP_ORGS (100).

const crypto = require('node:crypto');
const { threadId } = require('node:worker_threads');

const SECRET = process.env.BELLHOP_JWT_SECRET || 'bellhop-dev-secret-change-me-0123456789abcdef';
const ORGS = Math.max(1, parseInt(process.env.BELLHOP_ORGS || '100', 10) || 100);
const TTL_SEC = 24 * 3600;

const b64url = (s) => Buffer.from(s).toString('base64url');
const HEADER = b64url('{"alg":"HS256","typ":"JWT"}');

function mint(sub, orgId, name, roles) {
  const iat = Math.floor(Date.now() / 1000);
  const claims = JSON.stringify({ sub, orgId, name, roles, iat, exp: iat + TTL_SEC });
  const signingInput = HEADER + '.' + b64url(claims);
  const sig = crypto.createHmac('sha256', SECRET).update(signingInput, 'ascii').digest('base64url');
  return signingInput + '.' + sig;
}

// One counter per worker thread; the thread id keeps subjects unique across workers. Orgs are
// assigned round-robin, offset per worker so several workers still cover every org evenly.
let next = 0;

function mintToken(context, events, done) {
  const i = next++;
  const orgId = 'org-' + ((i + threadId) % ORGS);
  const sub = 'art-' + threadId + '-' + i;
  context.vars.orgId = orgId;
  context.vars.token = mint(sub, orgId, 'Artillery ' + sub, ['staff']);
  watchRefusal(context.ws, events);
  return done();
}

// Artillery reports a refused handshake only as "Failed capture or match" (or "response
// timeout"); this names the cause: the error frame's code and the close code seen before any ack.
function watchRefusal(ws, events) {
  if (!ws) return;
  let acked = false;
  const first = (data) => {
    ws.removeListener('message', first);
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (_e) {
      return;
    }
    if (msg && msg.type === 'ack') acked = true;
    else if (msg && msg.type === 'error') {
      events.emit('counter', 'bellhop.refused.' + (msg.code || 'unknown'), 1);
    }
  };
  ws.on('message', first);
  ws.once('close', (code) => {
    if (!acked) events.emit('counter', 'bellhop.closed_before_ack.' + code, 1);
  });
}

function nowMicros() {
  return (performance.timeOrigin + performance.now()) * 1000;
}

function listen(context, events, done) {
  const ws = context.ws;
  if (!ws) return done();
  let clientClosing = false;
  const close = ws.close.bind(ws);
  ws.close = (...args) => {
    clientClosing = true;
    return close(...args);
  };
  events.emit('counter', 'bellhop.acks', 1);
  ws.onmessage = (ev) => {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch (_e) {
      events.emit('counter', 'bellhop.frames.unparsable', 1);
      return;
    }
    const type = msg && typeof msg.type === 'string' ? msg.type : 'unknown';
    events.emit('counter', 'bellhop.frames.' + type, 1);
    if (type === 'event' && Array.isArray(msg.events)) {
      events.emit('counter', 'bellhop.events_received', msg.events.length);
      const now = nowMicros();
      for (const e of msg.events) {
        const t = e && e.payload && e.payload.t;
        if (typeof t === 'number' && !e.payload.w) {
          events.emit('histogram', 'bellhop.delivery_latency_ms', Math.max(0, (now - t) / 1000));
        }
      }
    } else if (type === 'error') {
      events.emit('counter', 'bellhop.error_frames.' + (msg.code || 'unknown'), 1);
    }
  };
  ws.on('close', (code) => {
    if (!clientClosing) events.emit('counter', 'bellhop.closed_by_server.' + code, 1);
  });
  return done();
}

module.exports = { mintToken, listen, mint };
