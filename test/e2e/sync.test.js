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

/** The requests our code sent to Klaviyo, per endpoint and status (the fake's request log). */
async function sentRequests() {
	const { requests } = (await axios.get(`${stack().klaviyoUrl}/__admin/requests`)).data;
	const out = {};
	for (const r of requests) {
		out[r.route] = out[r.route] || {};
		out[r.route][r.status] = (out[r.route][r.status] || 0) + 1;
	}
	return out;
}

/**
 * A signed delivery that must arrive (its execution finishes and its Klaviyo write is there) before
 * a test asserts that something else did NOT happen: n8n handles deliveries in order of arrival, so
 * once the sentinel is through, anything sent before it would have shown up. Returns its execution.
 */
async function sentinel(before, label) {
	const id = 900000000000 + Math.floor(Math.random() * 1e6);
	const order = { ...fixture('order-blueprint-original.json'), id, order_number: `#S-${label}` };
	expect((await deliver('orders/create', order, { eventId: `evt-sentinel-${label}-${id}` })).status).toBe(200);
	const ex = await settledExecutions(SYNC(), before + 1);
	await waitFor(async () => (await klaviyoState()).events.some((e) => e.unique_id === `shopify:order:${id}:placed`), { what: `sentinel ${label} in Klaviyo` });
	return { ex, id };
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
		// a signed sentinel after the forgeries: when it is through, they would have been too
		const { ex, id } = await sentinel(before, 'forged');
		expect(ex).toHaveLength(before + 1);
		const events = (await klaviyoState()).events;
		expect(events.map((e) => e.unique_id).sort()).toEqual([`shopify:order:${id}:line:111`, `shopify:order:${id}:line:222`, `shopify:order:${id}:placed`]);
		expect(await sentRequests()).toEqual({ 'POST /api/events': { 202: 3 } });
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
		// the blueprint's own samples, verbatim: order_number "#1001" and no name, line ids 111 and 222;
		// the customer's phone +1 555 123 4567 is no real number (Klaviyo answers 400 on it)
		const customer = fixture('customer-blueprint.json');
		const order = fixture('order-blueprint-original.json');
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
		expect(ex).toHaveLength(before + deliveries.length * 3);
		expect(ex.slice(0, deliveries.length * 3).map((e) => e.status)).toEqual(Array(deliveries.length * 3).fill('success'));

		// what our code sent, per endpoint and status: each round 6 events (3 + 1 + 2) and the profile
		// twice (Klaviyo's 400 on the phone, then without it); Klaviyo keeps one event per unique_id.
		// The first profile answer is 201 or 200 (an event of the same round may create the profile first).
		const sent = await sentRequests();
		expect(Object.keys(sent).sort()).toEqual(['POST /api/events', 'POST /api/profile-import']);
		expect(sent['POST /api/events']).toEqual({ 202: 18 });
		const profileImports = sent['POST /api/profile-import'];
		expect(profileImports[400]).toBe(3);
		expect((profileImports[200] || 0) + (profileImports[201] || 0)).toBe(3);
		expect(Object.keys(profileImports).sort()).toEqual(Object.keys(profileImports).filter((k) => ['200', '201', '400'].includes(k)).sort());

		const state = await klaviyoState();
		expect(state.duplicatesDropped).toBe(12);
		expect(state.rejected.map((r) => r.errors.map((e) => e.pointer))).toEqual(Array(3).fill(['/data/attributes/phone_number']));
		const profile = { email: 'customer@example.com', phone_number: null, external_id: null };
		const items = [
			{ SKU: 'PA123', Name: 'Product A', Quantity: 1, Price: 49.99, RowTotal: 49.99 },
			{ SKU: 'PB456', Name: 'Product B', Quantity: 1, Price: 50, RowTotal: 50 },
		];
		const orderProps = {
			OrderId: '987654321',
			OrderNumber: '#1001',
			Value: 99.99,
			Currency: 'USD',
			ItemNames: ['Product A', 'Product B'],
			ItemCount: 2,
			Items: items,
			ShippingAddress: '123 Main St, Anytown, CA 90210, United States',
		};
		const event = (metric, uniqueId, time, value, properties) => ({
			metric,
			profile,
			properties,
			value,
			value_currency: 'USD',
			time,
			unique_id: uniqueId,
			backfill: false,
			source: 'events',
		});
		const received = state.events
			.map(({ metric, profile: p, properties, value, value_currency, time, unique_id, backfill, source }) => ({ metric, profile: p, properties, value, value_currency, time, unique_id, backfill, source }))
			.sort((a, b) => a.unique_id.localeCompare(b.unique_id));
		expect(received).toEqual(
			[
				event('Placed Order', 'shopify:order:987654321:placed', '2023-01-01T15:30:00.000Z', 99.99, orderProps),
				event('Ordered Product', 'shopify:order:987654321:line:111', '2023-01-01T15:30:00.000Z', 49.99, { OrderId: '987654321', OrderNumber: '#1001', ...items[0], Currency: 'USD' }),
				event('Ordered Product', 'shopify:order:987654321:line:222', '2023-01-01T15:30:00.000Z', 50, { OrderId: '987654321', OrderNumber: '#1001', ...items[1], Currency: 'USD' }),
				event('Fulfilled Order', 'shopify:order:987654321:fulfilled', '2023-01-02T15:00:00.000Z', 99.99, { ...orderProps, FulfillmentStatus: 'fulfilled' }),
				event('Cancelled Order', 'shopify:order:987654321:cancelled', '2023-01-03T15:00:00.000Z', 99.99, { ...orderProps, CancelReason: 'customer' }),
				event('Refunded Order', 'shopify:refund:4455667788', '2023-01-03T15:05:00.000Z', 99.99, { OrderId: '987654321', OrderNumber: '#1001', RefundId: '4455667788', Value: 99.99, Currency: 'USD' }),
			].sort((a, b) => a.unique_id.localeCompare(b.unique_id)),
		);
		expect(state.profiles).toHaveLength(1);
		const { id: _id, created: _c, updated: _u, last_event_date: lastEvent, ...stored } = state.profiles[0];
		expect(lastEvent).toBe('2023-01-03T15:05:00.000Z');
		expect(stored).toEqual({
			email: 'customer@example.com',
			phone_number: null,
			external_id: null,
			anonymous_id: null,
			first_name: 'Jane',
			last_name: 'Doe',
			organization: null,
			locale: null,
			title: null,
			image: null,
			location: { address1: '123 Main St', city: 'Anytown', region: 'CA', zip: '90210', country: 'United States' },
			properties: {
				'Shopify ID': '123456789',
				'Verified Email': true,
				'Customer State': 'enabled',
				Address1: '123 Main St',
				City: 'Anytown',
				Region: 'CA',
				Zip: '90210',
				Country: 'United States',
			},
			subscriptions: {},
		});
	});

	// the time-windowed 429 storm (every request in a window throttled) runs once, in storm.main.test.js
	it('429s with Retry-After and intermittent 503s: every event exactly once, no retry before its Retry-After', async () => {
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
		expect(state.duplicatesDropped).toBe(0);
		const sent = (await sentRequests())['POST /api/events'];
		expect(sent[202]).toBe(3);
		expect(sent[429]).toBe(4);
		expect(Object.keys(sent).sort()).toEqual(sent[503] ? ['202', '429', '503'] : ['202', '429']);
		expect((await axios.get(`${stack().klaviyoUrl}/__admin/early-retries`)).data.count).toBe(0);
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
		// the letter is written inside the execution: once it has finished, a second row would be there
		const twice = await settledExecutions(SYNC(), before + 2);
		expect(twice).toHaveLength(before + 2);
		expect((await deadLetters()).filter((r) => r.letterId === letter.letterId)).toHaveLength(1);
		expect((await sentRequests())['POST /api/events']).toEqual({ 202: 4, 400: 2 });

		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		const s = stack();
		const { rows } = await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, log: () => {} });
		const replayed = rows.find((r) => r.letterId === letter.letterId);
		expect(replayed.status).toBe('done');
		expect(Number(replayed.replays)).toBe(1);
		expect((await sentRequests())['POST /api/events']).toEqual({ 202: 5, 400: 2 });
		// replaying again sends nothing new: Klaviyo keeps one event per unique_id
		await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, log: () => {} });
		const placed = (await klaviyoState()).events.filter((e) => e.unique_id === `shopify:order:${order.id}:placed`);
		expect(placed).toHaveLength(1);
		// the done letter was not sent again
		expect((await sentRequests())['POST /api/events']).toEqual({ 202: 5, 400: 2 });
	});
});
