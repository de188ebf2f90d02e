/**
 * The reconciliation's GraphQL calls (query builders, pagination, throttling backoff) — nock plays
 * Shopify at the credential's Admin API URL; the fake Shopify's schema checks every document we send.
 */
import nock from 'nock';
import { sleep } from 'n8n-workflow';
import { parse, validate } from 'graphql';

import { fetchChanges } from '../../../nodes/ShopifyAdmin/graphql/changes';
import { graphqlCall, newStats, waitForBucketMs, type GraphqlTransport } from '../../../nodes/ShopifyAdmin/graphql/client';
import { bulkRunMutation, bulkStatusQuery, changedPageQuery, orderLineItemsQuery, searchFilter } from '../../../nodes/ShopifyAdmin/graphql/queries';
import { adminBaseUrl, graphqlEndpoint } from '../../../nodes/ShopifyWebhookTrigger/subscriptions';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SCHEMA, requestedCost, MAX_QUERY_COST } = require('../../fake-shopify/server.js');

const SHOP = 'my-store.myshopify.com';
const BASE = 'https://proxy.example.com';
const PATH = '/admin/api/2026-10/graphql.json';

const transport: GraphqlTransport = async (body) => {
	const res = await fetch(graphqlEndpoint(SHOP, '2026-10', BASE), { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_x' }, body: JSON.stringify(body) });
	return { status: res.status, body: await res.json().catch(() => undefined), retryAfter: res.headers.get('retry-after') ?? undefined };
};
const cost = (available: number, requested = 100) => ({ cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 } } });
const orderNode = (id: string, updatedAt: string) => ({ id: `gid://shopify/Order/${id}`, name: `#${id}`, email: 'a@example.com', createdAt: updatedAt, updatedAt, currencyCode: 'USD', totalPriceSet: { shopMoney: { amount: '10.00', currencyCode: 'USD' } }, lineItems: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } });

afterEach(() => nock.cleanAll());

describe('query builders', () => {
	test('updated-since filter in Shopify search syntax; bad times name the field', () => {
		expect(searchFilter('updated_at', '2026-05-01T10:00:00.123+02:00', '2026-05-01T12:00:00Z')).toBe("updated_at:>'2026-05-01T08:00:00Z' AND updated_at:<='2026-05-01T12:00:00Z'");
		expect(searchFilter('updated_at')).toBe('');
		expect(() => searchFilter('updated_at', 'yesterday')).toThrow('since must be an ISO 8601 date-time');
		expect(() => changedPageQuery('orders', { first: 0 })).toThrow('Page Size');
	});

	test.each([
		['orders page', changedPageQuery('orders', { since: '2026-01-01T00:00:00Z' })],
		['customers page', changedPageQuery('customers', { since: '2026-01-01T00:00:00Z' })],
		['order line items', orderLineItemsQuery('gid://shopify/Order/1', 'abc')],
		['bulk run', bulkRunMutation('orders', { since: '2025-01-01T00:00:00Z' })],
		['bulk status', bulkStatusQuery('gid://shopify/BulkOperation/1')],
	])('%s is valid against the documented schema and within the 1000-point query limit', (_name, body) => {
		const document = parse(body.query);
		expect(validate(SCHEMA, document).map((e: Error) => e.message)).toEqual([]);
		const op = document.definitions[0] as { selectionSet: unknown };
		expect(requestedCost(op.selectionSet, body.variables ?? {}, {})).toBeLessThanOrEqual(MAX_QUERY_COST);
	});

	test('the bulk query itself is valid too, and filters on created_at from the start date', () => {
		const inner = String(bulkRunMutation('orders', { since: '2025-01-01' }).variables!.query);
		expect(inner).toContain("created_at:>='2025-01-01T00:00:00Z'");
		expect(validate(SCHEMA, parse(inner))).toEqual([]);
	});

	test('Admin API URL: empty → https://<shop>; a proxy or sandbox URL wins; junk names the field', () => {
		expect(graphqlEndpoint(SHOP, '2026-10')).toBe('https://my-store.myshopify.com/admin/api/2026-10/graphql.json');
		expect(graphqlEndpoint(SHOP, '2026-10', 'http://127.0.0.1:6150/')).toBe('http://127.0.0.1:6150/admin/api/2026-10/graphql.json');
		expect(() => adminBaseUrl(SHOP, 'ftp://x')).toThrow('Admin API URL must be an http(s) URL');
	});
});

describe('calls, pagination and throttling', () => {
	test('pages through orders with the cursor, oldest update first, and reports the checkpoint', async () => {
		const bodies: Array<{ variables: Record<string, unknown> }> = [];
		nock(BASE)
			.post(PATH, (b) => (bodies.push(b), true))
			.reply(200, { data: { orders: { nodes: [orderNode('1', '2026-05-01T10:00:00Z')], pageInfo: { hasNextPage: true, endCursor: 'c1' } } }, extensions: cost(1900) })
			.post(PATH, (b) => (bodies.push(b), true))
			.reply(200, { data: { orders: { nodes: [orderNode('2', '2026-05-01T10:05:00Z')], pageInfo: { hasNextPage: false, endCursor: 'c2' } } }, extensions: cost(1850) });
		const stats = newStats();
		const { deliveries, summary } = await fetchChanges(transport, { resources: ['orders'], since: '2026-05-01T09:50:00Z', until: '2026-05-01T10:10:00Z', shop: SHOP, apiVersion: '2026-10' }, { sleep: async () => undefined, stats });
		expect(bodies.map((b) => b.variables.after)).toEqual([null, 'c1']);
		expect(bodies[0].variables.query).toBe("updated_at:>'2026-05-01T09:50:00Z' AND updated_at:<='2026-05-01T10:10:00Z'");
		expect(deliveries.map((d) => [d.topic, d.payload.id, d.object?.objectKey])).toEqual([
			['orders/create', '1', 'order:1'],
			['orders/create', '2', 'order:2'],
		]);
		expect(summary).toMatchObject({ objects: 2, pages: 2, truncated: false, checkpoint: '2026-05-01T10:10:00.000Z', newestUpdatedAt: '2026-05-01T10:05:00.000Z' });
		expect(stats.calls).toBe(2);
	});

	test('THROTTLED: waits until the bucket holds the requested cost, then asks again', async () => {
		nock(BASE)
			.post(PATH)
			.reply(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: cost(50, 850) })
			.post(PATH)
			.reply(200, { data: { shop: { name: 'x' } }, extensions: cost(1150, 850) });
		const waits: number[] = [];
		const stats = newStats();
		const data = await graphqlCall(transport, { query: '{ shop { name } }' }, { sleep: async (ms) => void waits.push(ms), stats }, 'testing');
		expect(data).toEqual({ shop: { name: 'x' } });
		// (850 − 50) / 100 per s = 8 s, +10 % and 50 ms margin
		expect(waits).toEqual([8850]);
		expect(stats).toMatchObject({ calls: 2, throttled: 1, waitedMs: 8850 });
		expect(waitForBucketMs({ maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 }, 900)).toBe(0);
	});

	test('the next page waits BEFORE asking when the last answer says the bucket cannot afford it', async () => {
		nock(BASE)
			.post(PATH)
			.reply(200, { data: { orders: { nodes: [orderNode('1', '2026-05-01T10:00:00Z')], pageInfo: { hasNextPage: true, endCursor: 'c1' } } }, extensions: cost(100, 900) })
			.post(PATH)
			.reply(200, { data: { orders: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } }, extensions: cost(1000, 900) });
		const waits: number[] = [];
		const stats = newStats();
		await fetchChanges(transport, { resources: ['orders'], until: '2026-05-01T10:10:00Z', shop: SHOP, apiVersion: '2026-10' }, { sleep: async (ms) => void waits.push(ms), stats });
		expect(waits).toEqual([8850]);
		expect(stats.throttled).toBe(0);
	});

	test('HTTP 429 honours Retry-After, 5xx backs off exponentially, then succeeds', async () => {
		nock(BASE).post(PATH).reply(429, { errors: 'Exceeded 2 calls per second' }, { 'Retry-After': '2' }).post(PATH).reply(503, 'oops').post(PATH).reply(200, { data: { ok: 1 } });
		const waits: number[] = [];
		await expect(graphqlCall(transport, { query: '{ shop { name } }' }, { sleep: async (ms) => void waits.push(ms), backoffMs: 100 }, 'testing')).resolves.toEqual({ ok: 1 });
		expect(waits).toEqual([2000, 200]);
	});

	test('401 says which credential field to check; a GraphQL error names Shopify\'s message; attempts are bounded', async () => {
		nock(BASE).post(PATH).reply(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
		await expect(graphqlCall(transport, { query: '{ shop { name } }' }, { sleep: async () => undefined }, 'reading orders')).rejects.toThrow(/Admin API Access Token/);
		nock(BASE).post(PATH).reply(200, { errors: [{ message: "Field 'nope' doesn't exist on type 'Order'" }] });
		await expect(graphqlCall(transport, { query: '{ shop { name } }' }, { sleep: async () => undefined }, 'reading orders')).rejects.toThrow("Shopify GraphQL error while reading orders: Field 'nope' doesn't exist on type 'Order'");
		nock(BASE).post(PATH).times(3).reply(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: cost(0) });
		await expect(graphqlCall(transport, { query: '{ shop { name } }' }, { sleep: async () => undefined, maxAttempts: 3 }, 'reading orders')).rejects.toThrow('(THROTTLED) after 3 attempts');
	});

	test('a read cut short by Max Objects checkpoints at the newest update it read, not at "until"', async () => {
		nock(BASE)
			.post(PATH)
			.reply(200, { data: { orders: { nodes: [orderNode('1', '2026-05-01T10:00:00Z'), orderNode('2', '2026-05-01T10:01:00Z')], pageInfo: { hasNextPage: true, endCursor: 'c' } } }, extensions: cost(1900) })
			.post(PATH)
			.reply(200, { data: { customers: { nodes: [], pageInfo: { hasNextPage: false } } }, extensions: cost(1900) });
		const { summary } = await fetchChanges(transport, { resources: ['orders', 'customers'], since: '2026-05-01T09:00:00Z', until: '2026-05-01T11:00:00Z', shop: SHOP, apiVersion: '2026-10', maxObjects: 2 }, { sleep: async () => undefined });
		expect(summary).toMatchObject({ truncated: true, checkpoint: '2026-05-01T10:01:00.000Z' });
	});
});

describe('the fake Shopify throttles like Shopify', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { createFakeShopify } = require('../../fake-shopify/server.js');
	test('a small bucket yields THROTTLED with throttleStatus; the client rides it out; 401 without the token', async () => {
		const fake = createFakeShopify({ bucketMax: 1000, restoreRate: 2000 });
		const { url } = await fake.start(0);
		try {
			for (let i = 0; i < 30; i++) fake.addOrder({ id: 1000 + i, name: `#${i}`, email: 'a@example.com', total_price: '1.00', created_at: '2026-05-01T10:00:00Z', updated_at: `2026-05-01T10:${String(i).padStart(2, '0')}:00Z`, line_items: [] });
			const t: GraphqlTransport = async (body) => {
				const res = await fetch(`${url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_fake_token' }, body: JSON.stringify(body) });
				return { status: res.status, body: await res.json() };
			};
			const raw = await t(changedPageQuery('orders', {}));
			expect((raw.body as { extensions: { cost: { throttleStatus: unknown } } }).extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 1000, restoreRate: 2000 });
			fake.config.restoreRate = 200;
			const stats = newStats();
			const { deliveries } = await fetchChanges(t, { resources: ['orders'], until: '2026-06-01T00:00:00Z', shop: SHOP, apiVersion: '2026-10' }, { sleep, stats });
			expect(deliveries).toHaveLength(30);
			expect(deliveries.map((d) => d.payload.id)).toEqual(Array.from({ length: 30 }, (_, i) => String(1000 + i)));
			const res = await fetch(`${url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ shop { name } }"}' });
			expect(res.status).toBe(401);
		} finally {
			await fake.stop();
		}
	}, 30000);
});

describe('the fake Shopify: webhook subscriptions (for the trigger) and bulk operations (JSONL)', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { createFakeShopify } = require('../../fake-shopify/server.js');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { ensureSubscriptions, deleteSubscriptions } = require('../../../nodes/ShopifyWebhookTrigger/subscriptions');
	test('the trigger registers and removes its subscriptions against it; a bulk export yields JSONL with __parentId lines', async () => {
		const fake = createFakeShopify({ bulkDelayMs: 400 });
		const { url } = await fake.start(0);
		const post = async (body: unknown) => {
			const res = await fetch(`${url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_fake_token' }, body: JSON.stringify(body) });
			return res.json();
		};
		try {
			const created = await ensureSubscriptions(post, 'https://n8n.example/webhook/shopify', ['orders/create', 'customers/update', 'customers/redact']);
			expect(created.created).toHaveLength(2);
			expect(created.skipped).toEqual(['customers/redact']);
			expect(await deleteSubscriptions(post, created.created)).toEqual(created.created);

			fake.addOrder({ id: '820982911946154508', name: '#1', email: 'a@example.com', total_price: '3.00', created_at: '2025-02-01T00:00:00Z', line_items: [{ id: 1, name: 'A', price: '1.00', quantity: 1 }, { id: 2, name: 'B', price: '2.00', quantity: 1 }] });
			fake.addOrder({ id: 5, name: '#0', email: 'a@example.com', total_price: '1.00', created_at: '2024-12-01T00:00:00Z', line_items: [] });
			const run = (await post(bulkRunMutation('orders', { since: '2025-01-01T00:00:00Z' }))) as { data: { bulkOperationRunQuery: { bulkOperation: { id: string; status: string } } } };
			const op = run.data.bulkOperationRunQuery.bulkOperation;
			expect(op.status).toBe('CREATED');
			const again = (await post(bulkRunMutation('orders', {}))) as { data: { bulkOperationRunQuery: { userErrors: Array<{ code: string }> } } };
			expect(again.data.bulkOperationRunQuery.userErrors[0].code).toBe('OPERATION_IN_PROGRESS');
			let status: { status: string; url: string; objectCount: string; rootObjectCount: string } = { status: 'CREATED', url: '', objectCount: '0', rootObjectCount: '0' };
			for (let i = 0; i < 200 && status.status !== 'COMPLETED'; i++) {
				await sleep(20);
				status = ((await post(bulkStatusQuery(op.id))) as { data: { bulkOperation: typeof status } }).data.bulkOperation;
			}
			expect(status).toMatchObject({ status: 'COMPLETED', objectCount: '3', rootObjectCount: '1' });
			const lines = (await (await fetch(status.url)).text()).trim().split('\n').map((l) => JSON.parse(l));
			expect(lines[0]).toMatchObject({ id: 'gid://shopify/Order/820982911946154508', name: '#1' });
			expect(lines[0].lineItems).toBeUndefined();
			expect(lines.slice(1).map((l) => [l.__typename, l.__parentId])).toEqual([
				['LineItem', 'gid://shopify/Order/820982911946154508'],
				['LineItem', 'gid://shopify/Order/820982911946154508'],
			]);
		} finally {
			await fake.stop();
		}
	});
});
