import axios from 'axios';
import nock from 'nock';

import {
	deleteSubscriptions,
	ensureSubscriptions,
	graphqlEndpoint,
	listSubscriptions,
	normalizeApiVersion,
	normalizeShopDomain,
	subscriptionsExist,
	topicToEnum,
} from '../../../nodes/ShopifyWebhookTrigger/subscriptions';
import type {
	GraphqlBody,
	GraphqlRequest,
} from '../../../nodes/ShopifyWebhookTrigger/subscriptions';

const SHOP = 'my-store.myshopify.com';
const VERSION = '2026-10';
const HOOK = 'https://n8n.example.com/webhook/shopify';
const TOKEN = 'shpat_test';

/** Like the node glue: POST the GraphQL body with the access token header. */
const request: GraphqlRequest = async (body) => {
	const response = await axios.post(graphqlEndpoint(SHOP, VERSION), body, {
		headers: { 'X-Shopify-Access-Token': TOKEN, 'Content-Type': 'application/json' },
	});
	return response.data;
};

function shopify() {
	return nock(`https://${SHOP}`, { reqheaders: { 'x-shopify-access-token': TOKEN } });
}

type Sub = { id: string; topic: string; uri: string };

/** A tiny in-memory Shopify: answers list / create / delete like the GraphQL Admin API. */
function fakeShopify(initial: Sub[] = [], userErrorFor?: { topic: string; message: string }) {
	const subs = [...initial];
	const calls: GraphqlBody[] = [];
	let next = 1000;
	const scope = shopify()
		.persist()
		.post(`/admin/api/${VERSION}/graphql.json`)
		.reply(200, (_uri, raw) => {
			const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as GraphqlBody;
			calls.push(body);
			const vars = body.variables ?? {};
			if (body.query.includes('webhookSubscriptions(')) {
				return {
					data: {
						webhookSubscriptions: {
							nodes: subs,
							pageInfo: { hasNextPage: false, endCursor: null },
						},
					},
				};
			}
			if (body.query.includes('webhookSubscriptionCreate')) {
				if (userErrorFor && vars.topic === userErrorFor.topic) {
					return {
						data: {
							webhookSubscriptionCreate: {
								webhookSubscription: null,
								userErrors: [{ field: ['webhookSubscription'], message: userErrorFor.message }],
							},
						},
					};
				}
				const sub = {
					id: `gid://shopify/WebhookSubscription/${next++}`,
					topic: String(vars.topic),
					uri: String(vars.uri),
				};
				subs.push(sub);
				return {
					data: { webhookSubscriptionCreate: { webhookSubscription: sub, userErrors: [] } },
				};
			}
			if (body.query.includes('webhookSubscriptionDelete')) {
				const index = subs.findIndex((s) => s.id === vars.id);
				if (index === -1) {
					return {
						data: {
							webhookSubscriptionDelete: {
								deletedWebhookSubscriptionId: null,
								userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
							},
						},
					};
				}
				subs.splice(index, 1);
				return {
					data: {
						webhookSubscriptionDelete: { deletedWebhookSubscriptionId: vars.id, userErrors: [] },
					},
				};
			}
			return { errors: [{ message: 'unexpected query' }] };
		});
	return { subs, calls, scope };
}

afterEach(() => {
	nock.cleanAll();
});

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

describe('helpers', () => {
	it('maps topics to GraphQL enum values', () => {
		expect(topicToEnum('orders/create')).toBe('ORDERS_CREATE');
		expect(topicToEnum('customers_email_marketing_consent/update')).toBe(
			'CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE',
		);
	});

	it('normalises and validates the shop domain', () => {
		expect(normalizeShopDomain(' https://My-Store.myshopify.com/ ')).toBe('my-store.myshopify.com');
		expect(normalizeShopDomain('store1.myshopify.com')).toBe('store1.myshopify.com');
		for (const bad of [
			'',
			'my-store.com',
			'evil.com/x.myshopify.com',
			'-x.myshopify.com',
			'a.b.myshopify.com',
			undefined,
		]) {
			expect(() => normalizeShopDomain(bad)).toThrow(/Shop Domain/);
		}
	});

	it('validates the API version', () => {
		expect(normalizeApiVersion('', '2026-10')).toBe('2026-10');
		expect(normalizeApiVersion('2026-07', '2026-10')).toBe('2026-07');
		expect(() => normalizeApiVersion('latest', '2026-10')).toThrow(/API Version/);
	});
});

describe('ensureSubscriptions', () => {
	it('creates one JSON subscription per topic with the uri field', async () => {
		const fake = fakeShopify();
		const result = await ensureSubscriptions(request, HOOK, ['orders/create', 'customers/update']);
		expect(result.created).toHaveLength(2);
		expect(result.existing).toEqual([]);
		expect(fake.subs.map((s) => s.topic)).toEqual(['ORDERS_CREATE', 'CUSTOMERS_UPDATE']);
		const creates = fake.calls.filter((c) => c.query.includes('webhookSubscriptionCreate'));
		expect(creates).toHaveLength(2);
		expect(creates[0].query).toMatch(/webhookSubscription: \{ uri: \$uri, format: JSON \}/);
		expect(creates[0].variables).toEqual({ topic: 'ORDERS_CREATE', uri: HOOK });
	});

	it('is idempotent: a re-publish creates nothing', async () => {
		const fake = fakeShopify();
		const topics = ['orders/create', 'orders/paid', 'customers/create'];
		const first = await ensureSubscriptions(request, HOOK, topics);
		const callsAfterFirst = fake.calls.length;
		const second = await ensureSubscriptions(request, HOOK, topics);
		expect(second.created).toEqual([]);
		expect(second.existing.sort()).toEqual([...first.created].sort());
		expect(fake.calls.length - callsAfterFirst).toBe(1); // only the list query
		expect(fake.subs).toHaveLength(3);
	});

	it('ignores subscriptions to other URLs and creates the missing ones only', async () => {
		const fake = fakeShopify([
			{
				id: 'gid://shopify/WebhookSubscription/1',
				topic: 'ORDERS_CREATE',
				uri: 'https://other.example.com/x',
			},
			{ id: 'gid://shopify/WebhookSubscription/2', topic: 'ORDERS_PAID', uri: HOOK },
		]);
		const result = await ensureSubscriptions(request, HOOK, ['orders/create', 'orders/paid']);
		expect(result.existing).toEqual(['gid://shopify/WebhookSubscription/2']);
		expect(result.created).toHaveLength(1);
		expect(
			fake.subs
				.filter((s) => s.uri === HOOK)
				.map((s) => s.topic)
				.sort(),
		).toEqual(['ORDERS_CREATE', 'ORDERS_PAID']);
	});

	it('skips compliance topics', async () => {
		const fake = fakeShopify();
		const result = await ensureSubscriptions(request, HOOK, ['customers/redact', 'orders/create']);
		expect(result.skipped).toEqual(['customers/redact']);
		expect(fake.subs.map((s) => s.topic)).toEqual(['ORDERS_CREATE']);
	});

	it("throws a message naming the topic and Shopify's userError", async () => {
		fakeShopify([], {
			topic: 'CUSTOMERS_CREATE',
			message: 'You do not have approval to access protected customer data',
		});
		await expect(
			ensureSubscriptions(request, HOOK, ['orders/create', 'customers/create']),
		).rejects.toThrow(
			/customers\/create.*You do not have approval to access protected customer data/,
		);
	});

	it('surfaces top-level GraphQL errors (e.g. missing scope)', async () => {
		shopify()
			.post(`/admin/api/${VERSION}/graphql.json`)
			.reply(200, { errors: [{ message: 'Access denied for webhookSubscriptions field.' }] });
		await expect(ensureSubscriptions(request, HOOK, ['orders/create'])).rejects.toThrow(
			/Access denied for webhookSubscriptions/,
		);
	});

	it('falls back to callbackUrl on API versions without uri', async () => {
		const bodies: GraphqlBody[] = [];
		shopify()
			.post(`/admin/api/${VERSION}/graphql.json`)
			.times(3)
			.reply(200, (_u, raw) => {
				const body = raw as GraphqlBody;
				bodies.push(body);
				if (body.query.includes('uri }') && body.query.includes('webhookSubscriptions(')) {
					return {
						errors: [{ message: "Field 'uri' doesn't exist on type 'WebhookSubscription'" }],
					};
				}
				if (body.query.includes('webhookSubscriptions(')) {
					return {
						data: {
							webhookSubscriptions: {
								nodes: [],
								pageInfo: { hasNextPage: false, endCursor: null },
							},
						},
					};
				}
				return {
					data: {
						webhookSubscriptionCreate: {
							webhookSubscription: { id: 'gid://shopify/WebhookSubscription/9' },
							userErrors: [],
						},
					},
				};
			});
		const result = await ensureSubscriptions(request, HOOK, ['orders/create']);
		expect(result.created).toEqual(['gid://shopify/WebhookSubscription/9']);
		expect(bodies[2].query).toMatch(/callbackUrl: \$uri/);
	});
});

describe('listing and existence', () => {
	it('follows pagination and filters by uri', async () => {
		shopify()
			.post(`/admin/api/${VERSION}/graphql.json`, (b: GraphqlBody) => !b.variables?.after)
			.reply(200, {
				data: {
					webhookSubscriptions: {
						nodes: [{ id: 'a', topic: 'ORDERS_CREATE', uri: HOOK }],
						pageInfo: { hasNextPage: true, endCursor: 'c1' },
					},
				},
			})
			.post(`/admin/api/${VERSION}/graphql.json`, (b: GraphqlBody) => b.variables?.after === 'c1')
			.reply(200, {
				data: {
					webhookSubscriptions: {
						nodes: [
							{ id: 'b', topic: 'ORDERS_PAID', uri: HOOK },
							{ id: 'c', topic: 'ORDERS_PAID', uri: 'https://elsewhere.example.com' },
						],
						pageInfo: { hasNextPage: false, endCursor: 'c2' },
					},
				},
			});
		const subs = await listSubscriptions(request, HOOK);
		expect(subs.map((s) => s.id)).toEqual(['a', 'b']);
	});

	it('reports existence only when every registrable topic is subscribed', async () => {
		fakeShopify([{ id: 'x', topic: 'ORDERS_CREATE', uri: HOOK }]);
		await expect(
			subscriptionsExist(request, HOOK, ['orders/create', 'customers/redact']),
		).resolves.toEqual({ exists: true, ids: ['x'] });
		await expect(
			subscriptionsExist(request, HOOK, ['orders/create', 'orders/paid']),
		).resolves.toEqual({ exists: false, ids: ['x'] });
	});
});

describe('deleteSubscriptions', () => {
	it('deletes each id and treats unknown ids as already gone', async () => {
		const fake = fakeShopify([
			{ id: 'gid://shopify/WebhookSubscription/1', topic: 'ORDERS_CREATE', uri: HOOK },
			{ id: 'gid://shopify/WebhookSubscription/2', topic: 'ORDERS_PAID', uri: HOOK },
		]);
		const deleted = await deleteSubscriptions(request, [
			'gid://shopify/WebhookSubscription/1',
			'gid://shopify/WebhookSubscription/2',
			'gid://shopify/WebhookSubscription/3',
		]);
		expect(deleted).toEqual([
			'gid://shopify/WebhookSubscription/1',
			'gid://shopify/WebhookSubscription/2',
		]);
		expect(fake.subs).toEqual([]);
		const deletes = fake.calls.filter((c) => c.query.includes('webhookSubscriptionDelete'));
		expect(deletes.map((c) => c.variables?.id)).toHaveLength(3);
	});

	it('throws on other userErrors', async () => {
		shopify()
			.post(`/admin/api/${VERSION}/graphql.json`)
			.reply(200, {
				data: {
					webhookSubscriptionDelete: {
						deletedWebhookSubscriptionId: null,
						userErrors: [{ field: ['id'], message: 'Access denied' }],
					},
				},
			});
		await expect(deleteSubscriptions(request, ['gid://x'])).rejects.toThrow(/Access denied/);
	});
});
