/**
 * Backfill's read through Shopify bulk operations, against the fake Shopify (bulkOperationRunQuery →
 * JSONL with __parentId lines, byte ranges): every object exactly once across chunks, children kept
 * with their parent, resumable from a saved state, and the same Klaviyo requests (unique_ids) as the
 * webhook of the same order.
 */
import { sleep } from 'n8n-workflow';
import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import {
	assemble,
	backfillStateFrom,
	backfillStep,
	groupObjects,
	newBackfillState,
	splitLines,
	type BackfillInput,
	type BackfillState,
	type RangeDownload,
} from '../../../nodes/ShopifyAdmin/graphql/backfill';
import type { ReconciledDelivery } from '../../../nodes/ShopifyAdmin/graphql/changes';
import type { GraphqlTransport } from '../../../nodes/ShopifyAdmin/graphql/client';
import blueprintOrder from '../../fixtures/shopify/order-blueprint.json';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeShopify } = require('../../fake-shopify/server.js');

type Json = Record<string, unknown>;
const SHOP = 'demo-store.myshopify.com';

function order(i: number, createdAt: string, extra: Json = {}): Json {
	const base = JSON.parse(JSON.stringify(blueprintOrder)) as Json;
	return {
		...base,
		id: `82098291194615${String(1000 + i)}`,
		name: `#B${i}`,
		email: `buyer${i}@example.com`,
		created_at: createdAt,
		updated_at: createdAt,
		line_items: (base.line_items as Json[]).map((l, k) => ({ ...l, title: l.title ?? l.name, id: `7${i}0${k}`, product_id: `91${k}`, variant_id: `92${k}` })),
		...extra,
	};
}

describe('backfill through bulk operations', () => {
	let fake: ReturnType<typeof createFakeShopify>;
	let transport: GraphqlTransport;
	let download: RangeDownload;
	const ranges: Array<[number, number]> = [];
	beforeAll(async () => {
		fake = createFakeShopify({ shop: SHOP, bulkDelayMs: 30 });
		const { url } = await fake.start(0);
		transport = async (body) => {
			const res = await fetch(`${url}/admin/api/2026-10/graphql.json`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_fake_token' },
				body: JSON.stringify(body),
			});
			return { status: res.status, body: await res.json() };
		};
		download = async (fileUrl, start, end) => {
			ranges.push([start, end]);
			const res = await fetch(fileUrl, { headers: { range: `bytes=${start}-${end}` } });
			return { status: res.status, body: Buffer.from(await res.arrayBuffer()), contentRange: res.headers.get('content-range') ?? undefined };
		};
	});
	afterAll(() => fake.stop());

	const input = (extra: Partial<BackfillInput> = {}): BackfillInput => ({
		shop: SHOP,
		apiVersion: '2026-10',
		resources: ['orders', 'customers'],
		maxObjects: 3,
		pollMs: 10,
		maxWaitMs: 10_000,
		windowBytes: 2048,
		...extra,
	});
	const noSleep = { sleep: async (ms: number) => await sleep(Math.min(ms, 10)) };

	async function runAll(state: BackfillState, inp: BackfillInput, stopAfter = Infinity): Promise<{ state: BackfillState; deliveries: ReconciledDelivery[]; steps: number }> {
		const deliveries: ReconciledDelivery[] = [];
		let steps = 0;
		while (state.phase !== 'done' && steps < stopAfter) {
			const step = await backfillStep(transport, download, state, inp, noSleep);
			deliveries.push(...step.deliveries);
			state = step.state;
			steps++;
			if (steps > 100) throw new Error('no progress');
		}
		return { state, deliveries, steps };
	}

	test('every order and customer in the range exactly once, in chunks, with their line items and refunds', async () => {
		fake.orders.clear();
		fake.customers.clear();
		for (let i = 0; i < 10; i++) fake.addOrder(order(i, `2025-0${1 + (i % 5)}-10T10:00:00Z`));
		fake.addOrder(order(99, '2024-06-01T10:00:00Z')); // before the range
		const refunded = order(50, '2025-03-01T00:00:00Z');
		const line = (refunded.line_items as Json[])[0];
		refunded.refunds = [{ id: '9007199254740995', created_at: '2025-03-02T00:00:00Z', refund_line_items: [{ quantity: 1, line_item_id: line.id, line_item: line, subtotal: '10.00', subtotal_set: { shop_money: { amount: '10.00', currency_code: 'USD' } } }], transactions: [] }];
		fake.addOrder(refunded);
		fake.addCustomer({ id: '706405506930370084', email: 'jane@example.com', first_name: 'Jane', created_at: '2025-01-05T00:00:00Z', updated_at: '2025-01-06T00:00:00Z' }, { email: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2025-01-06T00:00:00Z' } });

		const start = newBackfillState('run-1', '2025-01-01', '2026-01-01');
		const { state, deliveries, steps } = await runAll(start, input());
		expect(state).toMatchObject({ phase: 'done', objectsDone: 12, objectsTotal: 12, ordersTotal: 11, customersTotal: 1 });
		expect(steps).toBeGreaterThan(4); // start + 1 customers chunk + 4 order chunks of ≤ 3
		expect(ranges.length).toBeGreaterThan(4); // read by byte ranges, not whole-file downloads
		const created = deliveries.filter((d) => d.topic === 'orders/create').map((d) => String(d.payload.id));
		expect(created.sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `82098291194615${1000 + i}`), '820982911946151050'].sort());
		expect(new Set(created).size).toBe(created.length);
		for (const d of deliveries) expect(d).toMatchObject({ source: 'backfill', backfill: { runId: 'run-1' } });
		// children traveled with their parent
		const withRefund = deliveries.find((d) => d.topic === 'orders/updated')!;
		expect(withRefund.payload.id).toBe('820982911946151050');
		expect(((withRefund.payload.refunds as Json[])[0].refund_line_items as Json[]).length).toBe(1);
		for (const d of deliveries.filter((x) => x.topic === 'orders/create')) expect((d.payload.line_items as unknown[]).length).toBe((blueprintOrder.line_items as unknown[]).length);
		// consent came along, as subscription jobs with historical_import and the past consented_at
		const consent = deliveries.find((d) => d.topic === 'customers_email_marketing_consent/update')!;
		const [subscribe] = mapDelivery({ ...consent, idempotencyKey: 'k' }).requests;
		expect(subscribe.operation).toBe('subscription.subscribe');
		expect(((subscribe.body.data as Json).attributes as Json).historical_import).toBe(true);
	});

	test('the same unique_ids as the live webhook of the same order', async () => {
		fake.orders.clear();
		fake.customers.clear();
		const webhook = order(7, '2025-02-02T00:00:00Z');
		fake.addOrder(webhook);
		const { deliveries } = await runAll(newBackfillState('run-2', '2025-01-01', undefined), input({ resources: ['orders'] }));
		const backfilled = deliveries.find((d) => d.topic === 'orders/create')!;
		const live = mapDelivery({ topic: 'orders/create', payload: webhook, shop: SHOP, idempotencyKey: 'live' }).requests;
		const history = mapDelivery({ ...backfilled, idempotencyKey: 'backfill' }).requests;
		expect(history.map((r) => r.body)).toEqual(live.map((r) => r.body));
		expect(history.length).toBe((webhook.line_items as unknown[]).length + 1);
	});

	test('resumes from a saved state (a row as the Data Table returns it) without losing or repeating objects', async () => {
		fake.orders.clear();
		fake.customers.clear();
		for (let i = 0; i < 8; i++) fake.addOrder(order(i, `2025-01-${String(10 + i)}T00:00:00Z`));
		const first = await runAll(newBackfillState('run-3', '2025-01-01', '2025-12-31'), input({ resources: ['orders'] }), 2); // start + 1 chunk
		expect(first.state.phase).toBe('orders');
		expect(first.state.offset).toBeGreaterThan(0);
		// the Data Table gives numbers back as numbers or strings, and nulls for empty cells
		const row: Json = { ...first.state, offset: String(first.state.offset), customersOperation: null, customersTotal: null };
		const rest = await runAll(backfillStateFrom(row), input({ resources: ['orders'] }));
		const ids = [...first.deliveries, ...rest.deliveries].filter((d) => d.topic === 'orders/create').map((d) => d.payload.id);
		expect(ids.length).toBe(8);
		expect(new Set(ids).size).toBe(8);
		expect(rest.state).toMatchObject({ phase: 'done', objectsDone: 8, objectsTotal: 8 });
	});

	test('bad ranges name the field; a second bulk query waits for the running one', async () => {
		expect(() => newBackfillState('r', 'last year', '')).toThrow('Since must be an ISO 8601 date-time');
		expect(() => newBackfillState('r', '2025-02-01', '2025-01-01')).toThrow('Until');
		expect(() => backfillStateFrom({ since: '2025-01-01' })).toThrow('runId');
		fake.orders.clear();
		fake.addOrder(order(1, '2025-01-10T00:00:00Z'));
		fake.config.bulkDelayMs = 200;
		const a = backfillStep(transport, download, newBackfillState('ra', '2025-01-01', '2026-01-01'), input({ resources: ['orders'] }), noSleep);
		const b = backfillStep(transport, download, newBackfillState('rb', '2025-01-01', '2026-01-01'), input({ resources: ['orders'] }), noSleep);
		const [sa, sb] = await Promise.all([a, b]);
		fake.config.bulkDelayMs = 30;
		expect(sa.state.ordersOperation).not.toBe(sb.state.ordersOperation);
		expect([sa.state.ordersTotal, sb.state.ordersTotal]).toEqual([1, 1]);
	});

	test('JSONL grouping: a window never splits an object from its children; the last group waits for the next window', () => {
		const text = [
			{ id: 'gid://shopify/Order/1', refunds: [{ id: 'gid://shopify/Refund/5' }] },
			{ __typename: 'LineItem', id: 'gid://shopify/LineItem/1', __parentId: 'gid://shopify/Order/1' },
			{ __typename: 'RefundLineItem', quantity: 1, __parentId: 'gid://shopify/Refund/5' },
			{ id: 'gid://shopify/Order/2' },
			{ __typename: 'LineItem', id: 'gid://shopify/LineItem/2', __parentId: 'gid://shopify/Order/2' },
		]
			.map((l) => JSON.stringify(l))
			.join('\n');
		const buf = Buffer.from(text + '\n');
		const partial = groupObjects(splitLines(buf.subarray(0, buf.length - 5), 100, false), false, 100 + buf.length - 5, 10);
		expect(partial.objects.map((o) => o.id)).toEqual(['gid://shopify/Order/1']);
		expect(partial.next).toBe(100 + buf.indexOf('{"id":"gid://shopify/Order/2"'));
		expect(partial.complete).toBe(false);
		const all = groupObjects(splitLines(buf, 0, true), true, buf.length, 10);
		expect(all.complete).toBe(true);
		expect(all.objects[0]).toEqual(
			assemble({ id: 'gid://shopify/Order/1', refunds: [{ id: 'gid://shopify/Refund/5' }] }, [
				{ __typename: 'LineItem', id: 'gid://shopify/LineItem/1', __parentId: 'gid://shopify/Order/1' },
				{ __typename: 'RefundLineItem', quantity: 1, __parentId: 'gid://shopify/Refund/5' },
			]),
		);
		expect(all.objects[0]).toEqual({ id: 'gid://shopify/Order/1', lineItems: { nodes: [{ id: 'gid://shopify/LineItem/1' }] }, refunds: [{ id: 'gid://shopify/Refund/5', refundLineItems: { nodes: [{ quantity: 1 }] } }] });
		expect(() => groupObjects([{ start: 7, text: '{oops' }], true, 10, 1)).toThrow('byte 7');
	});
});
