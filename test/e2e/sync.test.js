'use strict';
/**
 * The shipped workflows in real n8n against the fake Klaviyo: signed deliveries in, exactly the
 * expected Klaviyo writes out; re-deliveries are idempotent; forgeries start nothing; a permanent
 * failure lands in the dead-letter table with its request and replays exactly once.
 *
 * The unique_ids below (`shopify:order:<id>:placed` …) are typed out on purpose: an independent
 * oracle for the mapper's recipe (mapping/ids.ts), which the demo and the benchmarks import instead.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { SYNC, deliveryExecutions, stack, deliver, executions, klaviyoState, klaviyoReset, waitFor, sleep, deadLetters, settledExecutions } = require('./helpers');
const { replay } = require('../../scripts/replay');

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));

async function faults(rules) {
	await axios.post(`${stack().klaviyoUrl}/__admin/faults`, rules);
}

jest.setTimeout(180000);

describe('sync workflow in real n8n', () => {
	beforeEach(async () => {
		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
	});

	it('a forged delivery gets 401 and starts no execution', async () => {
		const before = (await deliveryExecutions()).length;
		const res = await deliver('orders/create', fixture('order-blueprint.json'), { secret: 'not-the-secret' });
		expect(res.status).toBe(401);
		expect(JSON.stringify(res.data)).not.toContain(stack().secret);
		const missing = await deliver('orders/create', fixture('order-blueprint.json'), { headers: { 'x-shopify-hmac-sha256': undefined } });
		expect(missing.status).toBe(401);
		await sleep(1500);
		expect((await deliveryExecutions()).length).toBe(before);
		expect((await klaviyoState()).events).toHaveLength(0);
	});

	it('a signed delivery starts exactly one execution carrying the delivery metadata', async () => {
		const before = (await deliveryExecutions()).length;
		const order = { ...fixture('order-blueprint.json'), id: 820982911946154508 };
		const raw = JSON.stringify(order).replace('"id":820982911946154500', '"id":820982911946154508');
		const res = await deliver('orders/create', null, { raw, eventId: 'evt-e2e-1' });
		expect(res.status).toBe(200);
		const ex = await settledExecutions(SYNC(), before + 1);
		expect(ex).toHaveLength(before + 1);
		const full = await axios.get(`${stack().baseUrl}/api/v1/executions/${ex[0].id}`, {
			headers: { 'X-N8N-API-KEY': stack().apiKey },
			params: { includeData: true },
		});
		const item = full.data.data.resultData.runData['Shopify Webhook Trigger'][0].data.main[0][0].json;
		expect(item).toMatchObject({
			topic: 'orders/create',
			shop: stack().shop,
			apiVersion: '2026-10',
			eventId: 'evt-e2e-1',
			idempotencyKey: `${stack().shop}:orders/create:evt-e2e-1`,
		});
		expect(String(item.payload.id)).toBe('820982911946154508');
	});

	it('customer, order, fulfilment, cancellation and refund deliveries produce exactly the expected Klaviyo writes, once each even when delivered three times', async () => {
		const customer = fixture('customer-blueprint.json');
		const order = fixture('order-blueprint.json');
		const fulfilled = { ...order, fulfillment_status: 'fulfilled', updated_at: '2023-01-02T10:00:00-05:00' };
		const cancelled = {
			...order,
			cancelled_at: '2023-01-03T10:00:00-05:00',
			cancel_reason: 'customer',
			refunds: [
				{
					id: 4455667788,
					order_id: order.id,
					created_at: '2023-01-03T10:05:00-05:00',
					transactions: [{ id: 1, kind: 'refund', status: 'success', amount: '99.99', currency: 'USD' }],
					refund_line_items: [],
				},
			],
		};
		// Shopify's refunds/create for the same refund carries no customer: it is skipped (with the
		// reason), and the Refunded Order event comes once, from the order's refunds[]
		const refundCreated = { ...cancelled.refunds[0], note: null, restock: false };
		const deliveries = [
			['customers/create', customer, 'evt-c1'],
			['orders/create', order, 'evt-o1'],
			['orders/updated', fulfilled, 'evt-o2'],
			['orders/updated', cancelled, 'evt-o3'],
			['refunds/create', refundCreated, 'evt-r1'],
		];
		const before = (await deliveryExecutions()).length;
		for (let round = 0; round < 3; round++) {
			for (const [topic, payload, eventId] of deliveries) {
				const res = await deliver(topic, payload, { eventId });
				expect(res.status).toBe(200);
			}
		}
		const ex = await settledExecutions(SYNC(), before + deliveries.length * 3);
		expect(ex.slice(0, deliveries.length * 3).map((e) => e.status)).toEqual(Array(deliveries.length * 3).fill('success'));
		const state = await klaviyoState();
		const uniqueIds = state.events.map((e) => e.unique_id).sort();
		expect(uniqueIds).toEqual(
			[
				`shopify:order:${order.id}:placed`,
				...order.line_items.map((li) => `shopify:order:${order.id}:line:${li.id}`),
				`shopify:order:${order.id}:fulfilled`,
				`shopify:order:${order.id}:cancelled`,
				'shopify:refund:4455667788',
			].sort(),
		);
		const placed = state.events.find((e) => e.metric === 'Placed Order');
		expect(placed.properties).toMatchObject({ OrderNumber: '#1001', Value: 99.99, Currency: 'USD' });
		expect(placed.value).toBe(99.99);
		expect(state.profiles.filter((p) => p.email === customer.email)).toHaveLength(1);
		expect(state.duplicatesDropped).toBeGreaterThan(0);
		expect(state.rejected).toHaveLength(0);
	});

	it('a 429 storm with Retry-After and intermittent 503s still delivers every event exactly once', async () => {
		await faults([
			{ path: '/api/events', status: 429, retryAfter: 1, count: 4 },
			{ path: '/api/events', status: 503, every: 3 },
		]);
		const order = { ...fixture('order-blueprint.json'), id: 700000000001, name: '#3001' };
		const before = (await deliveryExecutions()).length;
		expect((await deliver('orders/create', order, { eventId: 'evt-storm' })).status).toBe(200);
		await settledExecutions(SYNC(), before + 1);
		const state = await klaviyoState();
		expect(state.events.map((e) => e.unique_id).sort()).toEqual(
			[`shopify:order:${order.id}:placed`, ...order.line_items.map((li) => `shopify:order:${order.id}:line:${li.id}`)].sort(),
		);
		expect(state.requests['POST /api/events']['429']).toBeGreaterThan(0);
		expect((await deadLetters()).filter((r) => r.summary.includes('#3001'))).toHaveLength(0);
	});

	it('a permanent 400 lands in the dead-letter table with its request; after the fault is cleared a replay delivers it exactly once', async () => {
		await faults([{ path: '/api/events', status: 400, matchBody: 'Placed Order' }]);
		const order = { ...fixture('order-blueprint.json'), id: 600000000001, name: '#2001' };
		const before = (await deliveryExecutions()).length;
		expect((await deliver('orders/create', order, { eventId: 'evt-dlq' })).status).toBe(200);
		await settledExecutions(SYNC(), before + 1);
		const letters = await waitFor(
			async () => {
				const rows = (await deadLetters()).filter((r) => r.letterId.includes(`shopify:order:${order.id}:placed`));
				return rows.length ? rows : false;
			},
			{ what: 'the dead letter' },
		);
		expect(letters).toHaveLength(1);
		const letter = letters[0];
		expect(letter).toMatchObject({ status: 'pending', kind: 'request', topic: 'orders/create', failedNode: 'Klaviyo' });
		expect(letter.error).toMatch(/400/);
		const request = JSON.parse(letter.request);
		expect(request.operation).toBe('event.create');
		expect(request.body.data.attributes.unique_id).toBe(`shopify:order:${order.id}:placed`);
		expect((await klaviyoState()).events.filter((e) => e.metric === 'Placed Order')).toHaveLength(0);

		// reported twice → still one row
		expect((await deliver('orders/create', order, { eventId: 'evt-dlq' })).status).toBe(200);
		await settledExecutions(SYNC(), before + 2);
		await sleep(1000);
		expect((await deadLetters()).filter((r) => r.letterId === letter.letterId)).toHaveLength(1);

		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		const s = stack();
		const { rows } = await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, log: () => {} });
		expect(rows.find((r) => r.letterId === letter.letterId).status).toBe('done');
		// replaying again sends nothing new: Klaviyo keeps one event per unique_id
		await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, log: () => {} });
		const placed = (await klaviyoState()).events.filter((e) => e.unique_id === `shopify:order:${order.id}:placed`);
		expect(placed).toHaveLength(1);
	});
});
