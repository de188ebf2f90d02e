'use strict';
/**
 * Backfill (must show 2 and 7) against the pinned n8n, in a stack of its own (it kills and restarts
 * its n8n): 3 000 historical orders (9 000 events) and 20 customers with consent in the fake Shopify
 * (bulk operations → JSONL) are imported by `npm run backfill`'s request; n8n is SIGKILLed mid-way and
 * started again; the run continues where its last saved chunk ended and every event lands in Klaviyo
 * exactly once with backfill: true; then a live re-delivery of one of those orders adds nothing.
 * Main mode only (nothing mode-specific; slow). Ports: E2E_N8N_PORT + 20 (n8n), + 21 (fake Klaviyo),
 * + 22 (fake Shopify).
 */
const crypto = require('node:crypto');
const axios = require('axios');
const { startStack, restartMain, WEBHOOK_SECRET, SHOP } = require('./stack');
const { createFakeShopify } = require('../fake-shopify/server');
const { requestBackfill, readRun } = require('../../scripts/backfill');
const blueprintOrder = require('../fixtures/shopify/order-blueprint.json');

const BASE = Number(process.env.E2E_N8N_PORT || 5700);
const ORDERS = 3000;
const CUSTOMERS = 20;
const TOKEN = 'shpat_e2e_backfill';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function historicalOrder(i) {
	const at = new Date(Date.UTC(2025, 0, 1) + i * 3600_000).toISOString();
	return {
		...blueprintOrder,
		id: `6${String(i).padStart(17, '0')}`,
		name: `#H${10000 + i}`,
		email: `history${i % 500}@example.com`,
		created_at: at,
		updated_at: at,
		line_items: blueprintOrder.line_items.map((l, k) => ({ ...l, title: l.title || l.name, id: `7${String(i).padStart(12, '0')}${k}` })),
	};
}

let stack;
let shopify;
let rowsOf;
beforeAll(async () => {
	shopify = createFakeShopify({ shop: SHOP, accessToken: TOKEN, bulkDelayMs: 500 });
	await shopify.start(BASE + 22);
	for (let i = 0; i < ORDERS; i++) shopify.addOrder(historicalOrder(i));
	shopify.addOrder({ ...historicalOrder(ORDERS + 1), created_at: '2024-06-01T00:00:00Z', updated_at: '2024-06-01T00:00:00Z' }); // before the range
	for (let c = 0; c < CUSTOMERS; c++) {
		const at = new Date(Date.UTC(2025, 1, 1) + c * 60_000).toISOString();
		shopify.addCustomer(
			{ id: `5${String(c).padStart(15, '0')}`, email: `history${c}@example.com`, first_name: `H${c}`, created_at: at, updated_at: at },
			{ email: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: at } },
		);
	}
	stack = await startStack({ name: 'e2e-backfill', port: BASE + 20, klaviyoPort: BASE + 21, recovery: false, shopify: { url: shopify.url, token: TOKEN } });
}, 300000);
afterAll(async () => {
	if (stack) await stack.stop();
	if (shopify) await shopify.stop();
});

const klaviyo = async () => (await axios.get(`${stack.info.klaviyoUrl}/__admin/state`)).data;

test('a backfill lands every historical event once with backfill: true, survives n8n being killed mid-way, and a live re-delivery adds nothing', async () => {
	const { baseUrl, apiKey } = stack.info;
	const { runId } = await requestBackfill({ baseUrl, apiKey, since: '2025-01-01T00:00:00.000Z' });
	const run = () => readRun({ baseUrl, apiKey, runId });

	// wait until at least one chunk of orders is saved (the schedule picks the request up within 30 s)
	const t0 = Date.now();
	let row;
	for (;;) {
		row = await run();
		if (row && row.phase === 'orders' && row.objectsDone > CUSTOMERS) break;
		if (row && row.status === 'done') throw new Error('the backfill finished before it could be interrupted');
		if (Date.now() - t0 > 240000) throw new Error(`no chunk saved in time: ${JSON.stringify(row)}`);
		await sleep(250);
	}
	expect(row.objectsTotal).toBe(ORDERS + CUSTOMERS);
	let atKill;
	stack.info = await restartMain(stack.info, {
		// n8n is gone (SIGKILL): what Klaviyo has now is all it got before the crash
		beforeStart: async () => {
			atKill = (await klaviyo()).counts.events;
		},
	});
	expect(atKill).toBeLessThan(ORDERS * 3);
	const saved = await run();
	expect(saved.status).toBe('running');
	expect(saved.objectsDone).toBeLessThan(ORDERS + CUSTOMERS);

	// it continues by itself (n8n's start) and finishes
	const t1 = Date.now();
	for (;;) {
		row = await run();
		if (row.status === 'done') break;
		if (Date.now() - t1 > 420000) throw new Error(`the backfill did not finish after the restart: ${JSON.stringify(row)}`);
		await sleep(1000);
	}
	expect(row).toMatchObject({ phase: 'done', objectsDone: ORDERS + CUSTOMERS, objectsTotal: ORDERS + CUSTOMERS, errors: 0, lastError: '' });
	expect(row.eventsSent).toBeGreaterThanOrEqual(ORDERS * 3 - atKill);
	expect(row.profilesSent).toBe(CUSTOMERS);
	expect(row.consentSent).toBe(CUSTOMERS);

	const state = await klaviyo();
	const events = state.events;
	expect(events).toHaveLength(ORDERS * 3); // Placed Order + 2 Ordered Product per order, the 2024 order not
	expect(new Set(events.map((e) => `${e.metric}|${e.unique_id}`)).size).toBe(ORDERS * 3);
	expect(events.every((e) => e.backfill === true)).toBe(true);
	expect(events.every((e) => String(e.source).startsWith('bulk:'))).toBe(true);
	const placed = events.filter((e) => e.metric === 'Placed Order').map((e) => e.unique_id);
	expect(placed).toHaveLength(ORDERS);
	const subscribed = state.profiles.filter((p) => p.subscriptions && p.subscriptions.email && p.subscriptions.email.consent === 'SUBSCRIBED');
	expect(subscribed).toHaveLength(CUSTOMERS);

	// a live re-delivery of a backfilled order: same unique_ids, nothing added
	const order = historicalOrder(42);
	const body = JSON.stringify(order);
	const res = await axios.post(stack.info.webhookUrl, body, {
		headers: {
			'content-type': 'application/json',
			'x-shopify-topic': 'orders/create',
			'x-shopify-shop-domain': SHOP,
			'x-shopify-api-version': '2026-10',
			'x-shopify-webhook-id': crypto.randomUUID(),
			'x-shopify-event-id': crypto.randomUUID(),
			'x-shopify-triggered-at': new Date().toISOString(),
			'x-shopify-hmac-sha256': crypto.createHmac('sha256', WEBHOOK_SECRET).update(body).digest('base64'),
		},
		transformRequest: [(d) => d],
	});
	expect(res.status).toBe(200);
	const t2 = Date.now();
	let after;
	for (;;) {
		after = await klaviyo();
		if (after.duplicatesDropped >= state.duplicatesDropped + 3) break;
		if (Date.now() - t2 > 60000) throw new Error('the live re-delivery did not reach Klaviyo');
		await sleep(300);
	}
	expect(after.counts.events).toBe(ORDERS * 3);
}, 900000);
