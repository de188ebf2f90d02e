#!/usr/bin/env node
"use strict";
/**
 * npm run demo: send signed Shopify webhook deliveries to the n8n started by `npm start`, then show
 * what the local Klaviyo sandbox received.
 *
 * Run it in a second terminal while `npm start` is running. Configuration is read the same way as
 * npm start (.env, then the environment): SHOPIFY_WEBHOOK_SECRET, SHOPIFY_SHOP_DOMAIN, N8N_PORT,
 * KLAVIYO_API_URL / KLAVIYO_SANDBOX_PORT.
 *
 *   node scripts/demo.js              send one delivery per topic (plus one forged delivery)
 *   node scripts/demo.js --repeat 3   send everything 3 times: re-deliveries do not double events
 *
 * Every sample has a stable X-Shopify-Event-Id and fixed timestamps, so running the demo again
 * re-delivers the same Shopify events and Klaviyo keeps each event once.
 *
 * The exported helpers (sign, samples, maskEmail, formatTable, …) are pure and unit-tested in
 * test/unit/demo/; main() runs only when this file is executed directly.
 */
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");
const { signShopifyBody } = require("./lib/shopify-delivery");

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(ROOT, "test", "fixtures", "shopify");
const API_VERSION = "2026-10";
const POLL_MS = 500;
const SETTLE_TIMEOUT_MS = 30000;
const QUIET_POLLS = 4; // state unchanged for 4 polls (2 s) = settled

// ---------------------------------------------------------------- pure helpers

/** An expected failure: printed as a plain message, without a stack. */
class DemoError extends Error {}

/** Shopify's signature: base64(HMAC-SHA256(secret, raw body bytes)), from the one signing helper. */
const sign = (secret, rawBody) => signShopifyBody(secret, rawBody);

/** A UUID derived from a name, so the same demo sample always carries the same X-Shopify-Event-Id. */
function stableUuid(name) {
  const h = crypto
    .createHash("sha256")
    .update(`n8n-nodes-shopify-klaviyo demo:${name}`)
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50; // version 5 style
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** c***@example.com — never print a full address. */
function maskEmail(email) {
  if (email === undefined || email === null || email === "") return "";
  const s = String(email);
  const at = s.lastIndexOf("@");
  if (at <= 0) return `${s[0]}***`;
  return `${s[0]}***${s.slice(at)}`;
}

/** +1******67 — keep the country prefix and the last two digits only. */
function maskPhone(phone) {
  if (phone === undefined || phone === null || phone === "") return "";
  const s = String(phone);
  if (s.length <= 4) return "***";
  return `${s.slice(0, 2)}${"*".repeat(Math.max(3, s.length - 4))}${s.slice(-2)}`;
}

/** How a Klaviyo event / profile is identified, masked. */
function profileLabel(p) {
  if (!p) return "";
  if (p.email) return maskEmail(p.email);
  if (p.phone_number) return maskPhone(p.phone_number);
  if (p.external_id) return `external_id ${p.external_id}`;
  if (p.anonymous_id) return `anonymous_id ${p.anonymous_id}`;
  if (p.id) return `id ${p.id}`;
  return "";
}

function cell(v, max) {
  let s = v === undefined || v === null ? "" : String(v);
  s = s.replace(/\s+/g, " ");
  if (max && s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s;
}

/**
 * Plain padded columns. headers: string[]; rows: array of arrays (or objects keyed by header).
 * Options: indent (string), maxWidth (per cell, default 48), align ({[index]: 'right'}).
 */
function formatTable(
  headers,
  rows,
  { indent = "  ", maxWidth = 48, align = {} } = {},
) {
  const body = rows.map((r) =>
    headers.map((h, i) => cell(Array.isArray(r) ? r[i] : r[h], maxWidth)),
  );
  const head = headers.map((h) => cell(h, maxWidth));
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.map((r) => r[i].length)),
  );
  const line = (cols) =>
    (
      indent +
      cols
        .map((c, i) =>
          align[i] === "right" ? c.padStart(widths[i]) : c.padEnd(widths[i]),
        )
        .join("  ")
    ).trimEnd();
  return [
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map(line),
  ].join("\n");
}

function readFixture(name) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
}

/**
 * The demo deliveries: one per topic, plus a forged one. Payloads and their timestamps are fixed,
 * so every run re-delivers the same Shopify events. Each sample:
 *   { name, topic, eventId, payload, forged?, expectStatus }
 */
function samples({ shop = "demo-store.myshopify.com" } = {}) {
  const customer = readFixture("customer-blueprint.json");
  const orderBase = readFixture("order-blueprint.json");
  const email = customer.email;
  customer.created_at = "2023-01-01T10:00:00-05:00";
  customer.updated_at = "2023-01-01T10:00:00-05:00";
  customer.email_marketing_consent = {
    state: "subscribed",
    opt_in_level: "single_opt_in",
    consent_updated_at: "2023-01-01T10:00:00-05:00",
  };

  const order = {
    ...orderBase,
    updated_at: orderBase.created_at,
    financial_status: "paid",
    fulfillment_status: null,
    customer: {
      id: customer.id,
      email,
      first_name: customer.first_name,
      last_name: customer.last_name,
    },
  };
  const fulfilledAt = "2023-01-02T09:00:00-05:00";
  const fulfilled = {
    ...order,
    updated_at: fulfilledAt,
    fulfillment_status: "fulfilled",
    fulfillments: [
      {
        id: 4455001,
        order_id: order.id,
        status: "success",
        created_at: fulfilledAt,
        tracking_company: "UPS",
        tracking_number: "1Z999AA10123456784",
        line_items: order.line_items.map((l) => ({
          id: l.id,
          quantity: l.quantity,
        })),
      },
    ],
  };
  const refundedLine = order.line_items[0];
  const refund = {
    id: 7788001,
    order_id: order.id,
    created_at: "2023-01-03T11:00:00-05:00",
    processed_at: "2023-01-03T11:00:00-05:00",
    note: "Customer changed their mind",
    restock: true,
    transactions: [
      {
        id: 9900001,
        order_id: order.id,
        kind: "refund",
        status: "success",
        amount: "49.99",
        currency: order.currency,
        gateway: "bogus",
      },
    ],
    refund_line_items: [
      {
        id: 6600001,
        line_item_id: refundedLine.id,
        quantity: 1,
        restock_type: "return",
        subtotal: 49.99,
        total_tax: 0,
        line_item: { ...refundedLine },
      },
    ],
  };
  const cancelled = {
    ...fulfilled,
    updated_at: "2023-01-03T11:00:00-05:00",
    cancelled_at: "2023-01-03T11:00:00-05:00",
    cancel_reason: "customer",
    financial_status: "partially_refunded",
    refunds: [refund],
  };
  const checkout = {
    id: 3300001,
    token: "demo-checkout-0001",
    cart_token: "demo-cart-0001",
    email,
    currency: "USD",
    created_at: "2023-01-04T15:00:00-05:00",
    updated_at: "2023-01-04T15:05:00-05:00",
    abandoned_checkout_url: `https://${shop}/checkouts/demo-checkout-0001/recover?key=demo`,
    line_items: [
      {
        key: "demo-line-1",
        product_id: 1001,
        variant_id: 10011,
        sku: "PB456",
        title: "Product B",
        price: "50.00",
        quantity: 2,
      },
    ],
    subtotal_price: "100.00",
    total_price: "100.00",
    customer: {
      id: customer.id,
      email,
      first_name: customer.first_name,
      last_name: customer.last_name,
    },
  };
  const consent = {
    customer_id: customer.id,
    email_address: email,
    email_marketing_consent: {
      state: "subscribed",
      opt_in_level: "single_opt_in",
      consent_updated_at: "2023-01-01T10:05:00-05:00",
    },
  };
  // A different person, so the erasure does not wipe the demo profile.
  const redact = {
    shop_id: 954889,
    shop_domain: shop,
    customer: {
      id: 191167,
      email: "forget-me@example.com",
      phone: "+15555550123",
    },
    orders_to_redact: [],
  };

  const list = [
    { name: "customer", topic: "customers/create", payload: customer },
    { name: "order", topic: "orders/create", payload: order },
    { name: "order-fulfilled", topic: "orders/updated", payload: fulfilled },
    { name: "order-cancelled", topic: "orders/cancelled", payload: cancelled },
    { name: "refund", topic: "refunds/create", payload: refund },
    { name: "checkout", topic: "checkouts/create", payload: checkout },
    {
      name: "email-consent",
      topic: "customers_email_marketing_consent/update",
      payload: consent,
    },
    { name: "redact", topic: "customers/redact", payload: redact },
    {
      name: "forged",
      topic: "orders/create",
      payload: { ...order, total_price: "0.01" },
      forged: true,
    },
  ];
  return list.map((s) => ({
    ...s,
    eventId: stableUuid(`${shop}:${s.name}`),
    expectStatus: s.forged ? 401 : 200,
  }));
}

/** Headers exactly as Shopify sends them, for the raw body bytes. */
function deliveryHeaders({ sample, rawBody, secret, shop, now = new Date() }) {
  const hmac = sample.forged
    ? sign(`${secret}-but-not-really`, rawBody)
    : sign(secret, rawBody);
  return {
    "Content-Type": "application/json",
    "User-Agent": "Shopify-Captain-Hook",
    "X-Shopify-Topic": sample.topic,
    "X-Shopify-Hmac-Sha256": hmac,
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": API_VERSION,
    "X-Shopify-Webhook-Id": crypto.randomUUID(),
    "X-Shopify-Event-Id": sample.eventId,
    "X-Shopify-Triggered-At": now.toISOString(),
  };
}

function isLocalUrl(u) {
  try {
    const h = new URL(u).hostname.replace(/^\[|\]$/g, "");
    return (
      h === "localhost" || h === "::1" || h === "0.0.0.0" || /^127\./.test(h)
    );
  } catch {
    return false;
  }
}

/** The demo's settings, from the env map returned by loadEnv (the same sources npm start reads). */
function demoConfig(env) {
  const port = Number(env.N8N_PORT || 5678);
  let sandboxUrl = null;
  let realKlaviyo = false;
  if (env.KLAVIYO_API_URL && isLocalUrl(env.KLAVIYO_API_URL))
    sandboxUrl = String(env.KLAVIYO_API_URL).replace(/\/+$/, "");
  else if (env.KLAVIYO_API_URL || env.KLAVIYO_PRIVATE_API_KEY)
    realKlaviyo = true;
  else
    sandboxUrl = `http://127.0.0.1:${Number(env.KLAVIYO_SANDBOX_PORT || 5680)}`;
  return {
    secret: env.SHOPIFY_WEBHOOK_SECRET || "demo-webhook-secret",
    shop: env.SHOPIFY_SHOP_DOMAIN || "demo-store.myshopify.com",
    port,
    n8nUrl: `http://127.0.0.1:${port}`,
    webhookUrl: `http://127.0.0.1:${port}/webhook/shopify`,
    sandboxUrl,
    realKlaviyo,
    klaviyoUrl: env.KLAVIYO_API_URL || "https://a.klaviyo.com",
  };
}

function parseArgs(argv) {
  const out = { repeat: 1, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") out.help = true;
    else if (a === "--repeat" || a.startsWith("--repeat=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100)
        throw new DemoError(
          `--repeat needs a whole number from 1 to 100 (got ${v === undefined ? "nothing" : v})`,
        );
      out.repeat = n;
    } else throw new DemoError(`unknown option ${a} (try --help)`);
  }
  return out;
}

/** Anything that changes when Klaviyo receives something. */
function fingerprint(state) {
  return JSON.stringify([
    (state.events || []).length,
    (state.profiles || []).length,
    (state.jobs || []).length,
    state.duplicatesDropped,
    (state.rejected || []).length,
    state.requests,
    (state.profiles || []).map((p) => p.updated),
  ]);
}

/**
 * unique_ids the demo deliveries must produce (they are not configurable, unlike metric names),
 * by the built mapper's own recipe (nodes/ShopifyToKlaviyo/mapping/ids.ts): never re-typed here.
 */
function expectedUniqueIds(list = samples()) {
  const { uniqueIds } = require("../dist/nodes/ShopifyToKlaviyo/mapping/ids");
  const payload = (name) => list.find((s) => s.name === name).payload;
  return [
    uniqueIds.orderPlaced(String(payload("order").id)),
    uniqueIds.orderFulfilled(String(payload("order-fulfilled").id)),
    uniqueIds.orderCancelled(String(payload("order-cancelled").id)),
    uniqueIds.refund(String(payload("refund").id)),
    uniqueIds.checkoutStarted(String(payload("checkout").token)),
  ];
}

function missingUniqueIds(state, expected = expectedUniqueIds()) {
  const have = new Set((state.events || []).map((e) => e.unique_id));
  return expected.filter((id) => !have.has(id));
}

/** Klaviyo API answers between two sandbox states: [{ route, status, count }]. */
function requestDelta(before = {}, after = {}) {
  const out = [];
  for (const [route, byStatus] of Object.entries(after || {})) {
    for (const [status, n] of Object.entries(byStatus || {})) {
      const was = ((before || {})[route] || {})[status] || 0;
      if (n - was > 0)
        out.push({ route, status: Number(status), count: n - was });
    }
  }
  return out.sort(
    (a, b) => a.route.localeCompare(b.route) || a.status - b.status,
  );
}

function summarizeState(state) {
  const events = state.events || [];
  const profiles = state.profiles || [];
  const jobs = state.jobs || [];
  const lines = [];
  lines.push(`Klaviyo events (${events.length})`);
  const shown = events.slice(-60);
  lines.push(
    formatTable(
      ["metric", "unique_id", "value", "profile"],
      shown.map((e) => [
        e.metric,
        e.unique_id === null || e.unique_id === undefined
          ? "(none)"
          : e.unique_id,
        e.value === null || e.value === undefined
          ? ""
          : `${e.value}${e.value_currency ? ` ${e.value_currency}` : ""}`,
        profileLabel(e.profile),
      ]),
      { align: { 2: "right" } },
    ),
  );
  if (events.length > shown.length)
    lines.push(`  … ${events.length - shown.length} earlier events not shown`);
  lines.push("");
  lines.push(`Klaviyo profiles (${profiles.length})`);
  lines.push(
    formatTable(
      ["id", "email", "first name", "properties"],
      profiles
        .slice(0, 60)
        .map((p) => [
          p.id,
          p.email ? maskEmail(p.email) : profileLabel({ ...p, id: undefined }),
          p.first_name || "",
          Object.keys(p.properties || {}).length,
        ]),
      { align: { 3: "right" } },
    ),
  );
  if (profiles.length > 60)
    lines.push(`  … ${profiles.length - 60} more profiles`);
  lines.push("");
  const subs = jobs.filter((j) =>
    /^profile-subscription-bulk-(create|delete)-job$/.test(j.type),
  );
  const subscribed = subs.filter((j) => j.type.endsWith("create-job")).length;
  const deletions = jobs.filter((j) => j.type === "data-privacy-deletion-job");
  lines.push(
    `Subscription jobs:        ${subs.length}  (subscribe ${subscribed}, unsubscribe ${subs.length - subscribed})`,
  );
  lines.push(
    `Deletion jobs:            ${deletions.length}  (profile found: ${deletions.filter((j) => j.profileFound).length})`,
  );
  lines.push(`Duplicate events dropped: ${state.duplicatesDropped || 0}`);
  const rejected = state.rejected || [];
  lines.push(`Rejected requests (400):  ${rejected.length}`);
  for (const r of rejected.slice(-10)) {
    const why = (r.errors || [])
      .map((e) => `${e.pointer || ""} ${e.detail || e.code || ""}`.trim())
      .join("; ");
    lines.push(
      `  ${r.at || ""} ${r.method || ""} ${r.path || ""}: ${cell(why, 160)}`,
    );
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------- I/O

function say(msg = "") {
  process.stdout.write(`${msg}\n`);
}

function describeNetError(err) {
  if (err && err.code) return err.code;
  return (err && err.message) || String(err);
}

async function checkServices(http, cfg) {
  try {
    const r = await http.get(`${cfg.n8nUrl}/healthz`, { timeout: 5000 });
    if (r.status !== 200)
      throw new DemoError(
        `n8n at ${cfg.n8nUrl} answered /healthz with HTTP ${r.status}; is it still starting? Wait for "n8n ready" in the npm start terminal.`,
      );
  } catch (err) {
    if (err instanceof DemoError) throw err;
    throw new DemoError(
      `n8n is not answering at ${cfg.n8nUrl} (${describeNetError(err)}). Start it with npm start first (in another terminal), then run npm run demo.`,
    );
  }
  if (!cfg.sandboxUrl) return;
  try {
    const r = await http.get(`${cfg.sandboxUrl}/__admin/state`, {
      timeout: 5000,
    });
    if (r.status !== 200 || !r.data || !Array.isArray(r.data.events))
      throw new DemoError(
        `${cfg.sandboxUrl}/__admin/state did not return the Klaviyo sandbox state (HTTP ${r.status}); is KLAVIYO_API_URL / KLAVIYO_SANDBOX_PORT the same as for npm start?`,
      );
  } catch (err) {
    if (err instanceof DemoError) throw err;
    throw new DemoError(
      `the local Klaviyo sandbox is not answering at ${cfg.sandboxUrl} (${describeNetError(err)}). Start it with npm start first (without a Klaviyo key it starts the sandbox), using the same .env / KLAVIYO_SANDBOX_PORT.`,
    );
  }
}

async function getState(http, cfg) {
  const r = await http.get(`${cfg.sandboxUrl}/__admin/state`, {
    timeout: 5000,
  });
  if (r.status !== 200)
    throw new DemoError(`Klaviyo sandbox state: HTTP ${r.status}`);
  return r.data;
}

function responseText(r) {
  const d = r.data;
  if (d === undefined || d === null || d === "") return "";
  return cell(typeof d === "string" ? d : JSON.stringify(d), 70);
}

async function deliver(http, cfg, sample) {
  const rawBody = Buffer.from(JSON.stringify(sample.payload), "utf8");
  const headers = deliveryHeaders({
    sample,
    rawBody,
    secret: cfg.secret,
    shop: cfg.shop,
  });
  try {
    const r = await http.post(cfg.webhookUrl, rawBody, {
      headers,
      timeout: 30000,
      transformRequest: [(data) => data], // send these exact bytes
      responseType: "text",
    });
    let data = r.data;
    try {
      data = JSON.parse(r.data);
    } catch {
      /* keep the text */
    }
    return { status: r.status, data };
  } catch (err) {
    return { status: null, data: `request failed: ${describeNetError(err)}` };
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll until the sandbox state has changed from `before` and then stayed the same for a while. */
async function waitForSettle(http, cfg, before) {
  const start = Date.now();
  const base = fingerprint(before);
  let last = base;
  let quiet = 0;
  let changed = false;
  let state = before;
  while (Date.now() - start < SETTLE_TIMEOUT_MS) {
    await sleep(POLL_MS);
    state = await getState(http, cfg);
    const fp = fingerprint(state);
    if (fp !== base) changed = true;
    if (fp === last) quiet++;
    else quiet = 0;
    last = fp;
    if (changed && quiet >= QUIET_POLLS)
      return { state, changed, settled: true, ms: Date.now() - start };
  }
  return { state, changed, settled: false, ms: Date.now() - start };
}

async function main(argv = process.argv.slice(2)) {
  const opts = parseArgs(argv);
  if (opts.help) {
    say("usage: npm run demo [-- --repeat N]");
    say(
      "  Sends signed Shopify webhook deliveries to the n8n started by npm start and shows what Klaviyo received.",
    );
    say(
      "  --repeat N   send everything N times (re-deliveries must not double the Klaviyo events)",
    );
    return 0;
  }
  const axios = require("axios");
  const http = axios.create({ validateStatus: () => true, proxy: false });
  const { loadEnv } = require("./lib/env");
  const { env } = loadEnv(ROOT);
  const cfg = demoConfig(env);

  say(`Shopify → n8n → Klaviyo demo`);
  say(`  n8n webhook:  ${cfg.webhookUrl}`);
  say(
    `  shop:         ${cfg.shop}${env.SHOPIFY_WEBHOOK_SECRET ? "" : "  (secret: the default demo-webhook-secret)"}`,
  );
  say(
    `  Klaviyo:      ${cfg.sandboxUrl ? `local sandbox ${cfg.sandboxUrl}` : `${cfg.klaviyoUrl} (real Klaviyo: the received events cannot be listed here)`}`,
  );
  say();

  await checkServices(http, cfg);
  const list = samples({ shop: cfg.shop });
  const problems = [];
  let state = cfg.sandboxUrl ? await getState(http, cfg) : null;
  const initial = state;
  let afterFirst = null;

  for (let round = 1; round <= opts.repeat; round++) {
    say(
      opts.repeat > 1
        ? `Round ${round}/${opts.repeat}: Shopify deliveries`
        : "Shopify deliveries",
    );
    const rows = [];
    for (const s of list) {
      const r = await deliver(http, cfg, s);
      const ok = r.status === s.expectStatus;
      if (!ok)
        problems.push(
          `${s.forged ? "forged " : ""}${s.topic}: expected HTTP ${s.expectStatus}, got ${r.status === null ? "no answer" : `HTTP ${r.status}`}`,
        );
      rows.push([
        `${s.topic}${s.forged ? " (forged signature)" : ""}`,
        r.status === null ? "-" : r.status,
        typeof r.data === "string"
          ? cell(r.data, 70)
          : responseText({ data: r.data }),
        ok ? "ok" : `expected ${s.expectStatus}`,
      ]);
    }
    say(formatTable(["topic", "HTTP", "response", "check"], rows));
    say();
    if (!cfg.sandboxUrl) continue;

    process.stdout.write("Waiting for Klaviyo to settle … ");
    const w = await waitForSettle(http, cfg, state);
    state = w.state;
    if (!w.changed) {
      say("nothing arrived.");
      problems.push(
        `the Klaviyo sandbox at ${cfg.sandboxUrl} received nothing within ${SETTLE_TIMEOUT_MS / 1000} s; check the n8n executions (is the Shopify → Klaviyo workflow published, and is npm start using this sandbox?)`,
      );
      break;
    }
    say(
      w.settled
        ? `settled after ${(w.ms / 1000).toFixed(1)} s.`
        : `still changing after ${SETTLE_TIMEOUT_MS / 1000} s; showing the state so far.`,
    );
    const newEvents =
      state.events.length -
      (round === 1 ? initial.events.length : afterFirst.events.length);
    if (round === 1) {
      afterFirst = state;
      say(
        `  new events: ${newEvents}  (duplicates dropped so far: ${state.duplicatesDropped || 0})`,
      );
    } else {
      say(
        `  new events since round 1: ${newEvents}  (duplicates dropped so far: ${state.duplicatesDropped || 0})`,
      );
      if (newEvents > 0)
        problems.push(
          `round ${round} re-delivered the same Shopify events but Klaviyo recorded ${newEvents} new event(s)`,
        );
    }
    say();
  }

  if (cfg.sandboxUrl && state) {
    say(summarizeState(state));
    say();
    const delta = requestDelta(initial.requests, state.requests);
    say("Klaviyo API calls during the demo");
    say(
      formatTable(
        ["request", "HTTP", "count"],
        delta.map((d) => [d.route, d.status, d.count]),
        { align: { 2: "right" } },
      ),
    );
    say();
    const lost = delta.filter(
      (d) => d.status >= 400 && d.status < 500 && d.status !== 429,
    );
    for (const d of lost)
      problems.push(
        `Klaviyo answered ${d.route} with HTTP ${d.status} ×${d.count} (not retried: see the n8n executions / dead letter)`,
      );
    const retried = delta.filter((d) => d.status === 429 || d.status >= 500);
    if (retried.length)
      say(
        `Note: ${retried.map((d) => `${d.status} ×${d.count}`).join(", ")} from Klaviyo were retried by the Klaviyo node.`,
      );
    const faults = (state.faults || []).filter((f) => f);
    if (faults.length)
      say(
        `Note: the sandbox has ${faults.length} injected fault rule(s) active (${cfg.sandboxUrl}/__admin/faults).`,
      );
    const newRejected =
      (state.rejected || []).length - (initial.rejected || []).length;
    if (newRejected > 0)
      problems.push(
        `Klaviyo rejected ${newRejected} request(s) during the demo (see above)`,
      );
    const missing = missingUniqueIds(state);
    if (missing.length && afterFirst)
      problems.push(
        `expected Klaviyo events are missing (unique_id): ${missing.join(", ")}`,
      );
    say(`Full sandbox summary: ${cfg.sandboxUrl}/__admin/summary`);
  } else {
    say(
      `Check the events in your Klaviyo account and the executions in n8n (${cfg.n8nUrl}).`,
    );
  }

  if (problems.length) {
    say();
    say("Demo FAILED:");
    for (const p of problems) say(`  - ${p}`);
    return 1;
  }
  say();
  say(
    `Demo OK${opts.repeat > 1 ? `: ${opts.repeat} rounds of deliveries, each Klaviyo event recorded once` : ""}.`,
  );
  return 0;
}

module.exports = {
  sign,
  stableUuid,
  samples,
  maskEmail,
  maskPhone,
  profileLabel,
  formatTable,
  deliveryHeaders,
  demoConfig,
  parseArgs,
  fingerprint,
  summarizeState,
  isLocalUrl,
  missingUniqueIds,
  requestDelta,
  expectedUniqueIds,
  main,
};

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(
        `demo: ${err instanceof DemoError ? err.message : (err && err.stack) || err}\n`,
      );
      process.exit(1);
    },
  );
}
