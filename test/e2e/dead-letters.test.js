'use strict';
/**
 * Dead letters of deliveries the mapper rejects, in real n8n: the delivery leaves the mapper on its
 * Invalid output with the field named, the execution does NOT fail, and the whole delivery is recorded
 * in the Data Table. A user fixes the payload there, replays it, and Klaviyo gets it exactly once.
 * Also: refunds/create on its own (Shopify sends no customer with it) is skipped, not dead-lettered.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { SYNC, deliveryExecutions, stack, deliver, executions, klaviyoState, klaviyoReset, waitFor, sleep, deadLetters, settledExecutions } = require('./helpers');
const { replay } = require('../../scripts/replay');

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));

function apiHeaders() {
	return { 'X-N8N-API-KEY': stack().apiKey };
}

jest.setTimeout(180000);

describe('dead letters of deliveries the mapper rejects (Invalid output)', () => {
	beforeEach(async () => {
		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
	});

	it('a delivery the mapper rejects is recorded with its payload once (execution succeeds), and replays exactly once after the payload is fixed', async () => {
		const s = stack();
		const order = { ...fixture('order-blueprint.json'), id: 500000000001, name: '#5001' };
		order.line_items = order.line_items.map((li, i) => (i === 0 ? { ...li, quantity: 'two' } : li));
		const eventId = 'evt-bad-quantity';
		const idempotencyKey = `${s.shop}:orders/create:${eventId}`;
		const syncBefore = (await deliveryExecutions()).length;

		// Shopify gets its 200 at once; the execution succeeds: the bad field is not a crash
		expect((await deliver('orders/create', order, { eventId })).status).toBe(200);
		const sync = await settledExecutions(SYNC(), syncBefore + 1);
		expect(sync).toHaveLength(syncBefore + 1);
		expect(sync[0].status).toBe('success');

		const letter = await waitFor(
			async () => (await deadLetters()).find((r) => r.letterId === `delivery:${idempotencyKey}`) || false,
			{ what: 'the dead letter of the failed execution', timeoutMs: 90000 },
		);
		expect(letter).toMatchObject({
			status: 'pending',
			kind: 'delivery',
			topic: 'orders/create',
			idempotencyKey,
			failedNode: 'Shopify to Klaviyo',
			executionId: String(sync[0].id),
		});
		expect(letter.error).toMatch(/line_items\[0\]\.quantity/);
		const delivery = JSON.parse(letter.payload);
		expect(delivery).toMatchObject({ topic: 'orders/create', shop: s.shop, idempotencyKey });
		expect(String(delivery.payload.id)).toBe('500000000001');
		expect(delivery.payload.line_items[0].quantity).toBe('two');
		expect((await klaviyoState()).events.filter((e) => String(e.unique_id).includes('500000000001'))).toHaveLength(0);

		// Shopify retries the same delivery (same event id): still one row
		expect((await deliver('orders/create', order, { eventId })).status).toBe(200);
		expect(await settledExecutions(SYNC(), syncBefore + 2)).toHaveLength(syncBefore + 2);
		expect((await deadLetters()).filter((r) => r.idempotencyKey === idempotencyKey)).toHaveLength(1);

		// replay without fixing: it fails again, with the new error, and sends nothing
		let result = await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, log: () => {} });
		let row = result.rows.find((r) => r.letterId === letter.letterId);
		expect(row.status).toBe('failed');
		expect(row.error).toMatch(/line_items\[0\]\.quantity/);
		expect(Number(row.replays)).toBe(1);

		// the user fixes the payload in the Data Table (as in the editor) and replays
		delivery.payload.line_items[0].quantity = 2;
		await axios.patch(
			`${s.baseUrl}/api/v1/data-tables/${s.tableId}/rows/update`,
			{
				filter: { type: 'and', filters: [{ columnName: 'letterId', condition: 'eq', value: letter.letterId }] },
				data: { payload: JSON.stringify(delivery) },
			},
			{ headers: apiHeaders() },
		);
		result = await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, log: () => {} });
		row = result.rows.find((r) => r.letterId === letter.letterId);
		expect(row.status).toBe('done');
		const placedId = `shopify:order:500000000001:placed`;
		let events = (await klaviyoState()).events;
		expect(events.filter((e) => e.unique_id === placedId)).toHaveLength(1);
		expect(events.filter((e) => e.unique_id.startsWith('shopify:order:500000000001:line:'))).toHaveLength(order.line_items.length);

		// a done letter is not replayed again; and nothing is doubled
		result = await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, log: () => {} });
		expect(result.rows.find((r) => r.letterId === letter.letterId)).toBeUndefined();
		events = (await klaviyoState()).events;
		expect(events.filter((e) => e.unique_id === placedId)).toHaveLength(1);
	});

	it('refunds/create alone (no customer in the payload) is skipped with its reason, not failed or dead-lettered', async () => {
		const order = fixture('order-blueprint.json');
		const refund = {
			id: 5566778899,
			order_id: order.id,
			created_at: '2023-01-04T10:05:00-05:00',
			processed_at: '2023-01-04T10:05:00-05:00',
			note: 'damaged',
			restock: true,
			transactions: [{ id: 2, kind: 'refund', status: 'success', amount: '10.00', currency: 'USD', test: false }],
			refund_line_items: [],
		};
		const before = (await deliveryExecutions()).length;
		expect((await deliver('refunds/create', refund, { eventId: 'evt-refund-alone' })).status).toBe(200);
		const ex = await settledExecutions(SYNC(), before + 1);
		expect(ex).toHaveLength(before + 1);
		expect(ex[0].status).toBe('success');
		const full = await axios.get(`${stack().baseUrl}/api/v1/executions/${ex[0].id}`, { headers: apiHeaders(), params: { includeData: true } });
		const runData = full.data.data.resultData.runData;
		const skipped = runData['Shopify to Klaviyo'][0].data.main[1][0].json;
		expect(JSON.stringify(skipped)).toMatch(/refund 5566778899 .*no email, phone or customer id/);
		expect(runData.Klaviyo).toBeUndefined();
		expect((await klaviyoState()).events).toHaveLength(0);
		expect((await deadLetters()).filter((r) => r.topic === 'refunds/create')).toHaveLength(0);
	});
});
