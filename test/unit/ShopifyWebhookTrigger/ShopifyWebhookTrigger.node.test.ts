
import axios from 'axios';
import nock from 'nock';
import type { IHookFunctions, IHttpRequestOptions, INode, IWebhookFunctions } from 'n8n-workflow';
import { resolveWebhookDescriptionField } from 'n8n-workflow';

import { ShopifyWebhookTrigger } from '../../../nodes/ShopifyWebhookTrigger/ShopifyWebhookTrigger.node';
import type { ShopifyDeliveryItem } from '../../../nodes/shared/contract';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { signShopifyBody } = require('../../../scripts/lib/shopify-delivery') as {
	signShopifyBody: (secret: string, body: string | Buffer, encoding?: string) => string;
};

const SECRET = 'shpss_current';
const OLD_SECRET = 'shpss_previous';
const SHOP = 'my-store.myshopify.com';
const HOOK = 'https://n8n.example.com/webhook/shopify';

const ALL = new ShopifyWebhookTrigger().description.properties.find((p) => p.name === 'topics')!
	.default as string[];

function sign(body: Buffer | string, secret = SECRET): string {
	return signShopifyBody(secret, body);
}

interface FakeOptions {
	body: string;
	headers?: Record<string, string>;
	topics?: string[];
	credentials?: Record<string, unknown>;
	rawBody?: Buffer | undefined | null;
}

function fakeWebhook(options: FakeOptions) {
	const rawBody =
		options.rawBody === null ? undefined : (options.rawBody ?? Buffer.from(options.body));
	const res = {
		status: jest.fn(),
		json: jest.fn(),
		send: jest.fn(),
		end: jest.fn(),
	};
	res.status.mockReturnValue(res);
	res.json.mockReturnValue(res);
	res.send.mockReturnValue(res);
	const logger = { warn: jest.fn(), info: jest.fn(), debug: jest.fn(), error: jest.fn() };
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
	const ctx = {
		getRequestObject: () => ({ headers, rawBody, body: safeParse(options.body) }),
		getResponseObject: () => res,
		getNodeParameter: jest.fn((name: string, fallback?: unknown) =>
			name === 'topics' ? (options.topics ?? ALL) : fallback,
		),
		getCredentials: jest.fn(async () => ({
			shopDomain: SHOP,
			webhookSecret: SECRET,
			previousWebhookSecret: '',
			apiVersion: '2026-10',
			...(options.credentials ?? {}),
		})),
		getNodeWebhookUrl: () => HOOK,
		getNode: () => ({ name: 'Shopify Webhook Trigger' }),
		getMode: () => 'webhook',
		logger,
	};
	return { ctx: ctx as unknown as IWebhookFunctions, res, logger };
}

function safeParse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return {};
	}
}

const ORDER_BODY = '{"id":820982911946154508,"email":"jon@example.com","total_price":"10.00"}';

function deliveryHeaders(body: string, overrides: Record<string, string> = {}) {
	return {
		'X-Shopify-Topic': 'orders/create',
		'X-Shopify-Hmac-Sha256': sign(body),
		'X-Shopify-Shop-Domain': SHOP,
		'X-Shopify-API-Version': '2026-10',
		'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
		'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
		'X-Shopify-Triggered-At': '2026-11-01T10:00:00.000Z',
		...overrides,
	};
}

describe('ShopifyWebhookTrigger description', () => {
	it('declares the webhook path so n8n resolves it without its expression engine', () => {
		const webhook = new ShopifyWebhookTrigger().description.webhooks![0];
		// the editor still reads the template; n8n's backend resolves it natively for static parameters
		expect(webhook.path).toBe('={{$parameter["path"]}}');
		const node = { parameters: { path: 'shopify', topics: ['orders/create'] } } as unknown as INode;
		expect(resolveWebhookDescriptionField(node, webhook, 'path')).toEqual({ resolved: true, value: 'shopify' });
		// a path the user wrote as an expression falls back to the engine, as before
		const dynamic = { parameters: { path: '={{ "shop-" + 1 }}' } } as unknown as INode;
		expect(resolveWebhookDescriptionField(dynamic, webhook, 'path')).toEqual({ resolved: false });
	});

	const { description } = new ShopifyWebhookTrigger();

	it('exposes a full-path POST webhook answered on receipt', () => {
		expect(description.name).toBe('shopifyWebhookTrigger');
		expect(description.webhooks).toEqual([
			expect.objectContaining({
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				isFullPath: true,
				path: '={{$parameter["path"]}}',
			}),
		]);
		const path = description.properties.find((p) => p.name === 'path');
		expect(path?.default).toBe('shopify');
		expect(description.credentials).toEqual([{ name: 'shopifyWebhookApi', required: true }]);
	});

	it('offers every topic, values being Shopify topic strings; selects by default all but the two the mapper skips', () => {
		const topics = description.properties.find((p) => p.name === 'topics')!;
		const values = (topics.options as Array<{ value: string }>).map((o) => o.value);
		expect([...(topics.default as string[])].sort()).toEqual(values.filter((v) => v !== 'orders/paid' && v !== 'customers/delete').sort());
		expect(values).toEqual(
			expect.arrayContaining([
				'customers/create',
				'customers/update',
				'customers/delete',
				'customers_email_marketing_consent/update',
				'customers_marketing_consent/update',
				'orders/create',
				'orders/updated',
				'orders/paid',
				'orders/fulfilled',
				'orders/cancelled',
				'refunds/create',
				'checkouts/create',
				'checkouts/update',
				'customers/redact',
			]),
		);
		expect(values).toHaveLength(14);
	});
});

describe('ShopifyWebhookTrigger.webhook()', () => {
	const node = new ShopifyWebhookTrigger();

	it('emits exactly one ShopifyDeliveryItem for a good delivery', async () => {
		const { ctx, res } = fakeWebhook({ body: ORDER_BODY, headers: deliveryHeaders(ORDER_BODY) });
		const result = await node.webhook.call(ctx);
		expect(res.status).not.toHaveBeenCalled();
		expect(result.webhookResponse).toEqual({ ok: true });
		expect(result.noWebhookResponse).toBeUndefined();
		expect(result.workflowData).toHaveLength(1);
		expect(result.workflowData![0]).toHaveLength(1);
		const item = result.workflowData![0][0].json as unknown as ShopifyDeliveryItem;
		expect(item).toEqual({
			topic: 'orders/create',
			shop: SHOP,
			apiVersion: '2026-10',
			webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
			eventId: '98880550-7158-44d4-b7cd-2c97c8a091b5',
			triggeredAt: '2026-11-01T10:00:00.000Z',
			idempotencyKey: `${SHOP}:orders/create:98880550-7158-44d4-b7cd-2c97c8a091b5`,
			receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
			payload: { id: '820982911946154508', email: 'jon@example.com', total_price: '10.00' },
		});
	});

	it('accepts unprefixed headers and falls back to the webhook id for the key', async () => {
		const headers = {
			'shopify-topic': 'customers/update',
			'shopify-hmac-sha256': sign(ORDER_BODY),
			'shopify-shop-domain': SHOP,
			'shopify-api-version': '2026-10',
			'shopify-webhook-id': 'wh-1',
		};
		const { ctx } = fakeWebhook({ body: ORDER_BODY, headers });
		const result = await node.webhook.call(ctx);
		const item = result.workflowData![0][0].json as unknown as ShopifyDeliveryItem;
		expect(item.topic).toBe('customers/update');
		expect(item.eventId).toBe('');
		expect(item.idempotencyKey).toBe(`${SHOP}:customers/update:wh-1`);
	});

	it('accepts a delivery signed with the previous secret', async () => {
		const { ctx } = fakeWebhook({
			body: ORDER_BODY,
			headers: deliveryHeaders(ORDER_BODY, {
				'X-Shopify-Hmac-Sha256': sign(ORDER_BODY, OLD_SECRET),
			}),
			credentials: { previousWebhookSecret: OLD_SECRET },
		});
		const result = await node.webhook.call(ctx);
		expect(result.workflowData).toHaveLength(1);
	});

	it.each([
		['forged', sign(ORDER_BODY, 'attacker')],
		['missing', undefined],
		['hex', signShopifyBody(SECRET, ORDER_BODY, 'hex')],
		['truncated', sign(ORDER_BODY).slice(0, 20)],
	])('answers 401 and starts no execution for a %s signature', async (_label, signature) => {
		const headers = deliveryHeaders(ORDER_BODY);
		if (signature === undefined)
			delete (headers as Record<string, string>)['X-Shopify-Hmac-Sha256'];
		else headers['X-Shopify-Hmac-Sha256'] = signature;
		const { ctx, res, logger } = fakeWebhook({ body: ORDER_BODY, headers });
		const result = await node.webhook.call(ctx);
		expect(res.status).toHaveBeenCalledWith(401);
		expect(res.json).toHaveBeenCalledWith({ error: 'invalid signature' });
		expect(result).toEqual({ noWebhookResponse: true });
		// Neither the secret nor the signature end up in logs.
		const logged = JSON.stringify(logger.warn.mock.calls);
		expect(logged).not.toContain(SECRET);
		if (signature) expect(logged).not.toContain(signature);
	});

	it('answers 401 for a tampered body', async () => {
		const tampered = ORDER_BODY.replace('10.00', '0.01');
		const { ctx, res } = fakeWebhook({ body: tampered, headers: deliveryHeaders(ORDER_BODY) });
		const result = await node.webhook.call(ctx);
		expect(res.status).toHaveBeenCalledWith(401);
		expect(result.workflowData).toBeUndefined();
	});

	it('answers 400 for a signed body that is not JSON', async () => {
		const body = 'not json at all';
		const { ctx, res } = fakeWebhook({ body, headers: deliveryHeaders(body) });
		const result = await node.webhook.call(ctx);
		expect(res.status).toHaveBeenCalledWith(400);
		expect(res.json).toHaveBeenCalledWith({ error: 'invalid JSON' });
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('answers 400 for a signed JSON array', async () => {
		const body = '[1,2]';
		const { ctx, res } = fakeWebhook({ body, headers: deliveryHeaders(body) });
		const result = await node.webhook.call(ctx);
		expect(res.status).toHaveBeenCalledWith(400);
		expect(result.workflowData).toBeUndefined();
	});

	it('acknowledges an unselected topic without starting an execution', async () => {
		const { ctx, res } = fakeWebhook({
			body: ORDER_BODY,
			headers: deliveryHeaders(ORDER_BODY, { 'X-Shopify-Topic': 'orders/paid' }),
			topics: ['customers/create'],
		});
		const result = await node.webhook.call(ctx);
		expect(res.status).not.toHaveBeenCalled();
		expect(result.workflowData).toBeUndefined();
		expect(result.webhookResponse).toEqual({ ok: true, ignored: 'orders/paid' });
	});

	describe('shop domain check', () => {
		it('answers 200 without starting an execution for a signed delivery of another shop, and says so', async () => {
			const { ctx, res, logger } = fakeWebhook({
				body: ORDER_BODY,
				headers: deliveryHeaders(ORDER_BODY, { 'X-Shopify-Shop-Domain': 'other-store.myshopify.com' }),
			});
			const result = await node.webhook.call(ctx);
			expect(res.status).not.toHaveBeenCalled();
			expect(result.workflowData).toBeUndefined();
			expect(result.webhookResponse).toEqual({
				ok: true,
				ignored: 'shop',
				reason: 'delivery for shop other-store.myshopify.com, not the shop of this trigger\'s credential; not processed',
			});
			expect(JSON.stringify(logger.warn.mock.calls)).toContain('other-store.myshopify.com');
		});

		it('treats a delivery without X-Shopify-Shop-Domain as not this shop', async () => {
			const headers: Record<string, string> = deliveryHeaders(ORDER_BODY);
			delete headers['X-Shopify-Shop-Domain'];
			const { ctx } = fakeWebhook({ body: ORDER_BODY, headers });
			const result = await node.webhook.call(ctx);
			expect(result.workflowData).toBeUndefined();
			expect(result.webhookResponse).toMatchObject({ ok: true, ignored: 'shop' });
		});

		it('matches the credential domain case-insensitively, with or without https:// and a trailing slash', async () => {
			for (const shopDomain of ['My-Store.myshopify.com', 'https://my-store.myshopify.com/', ' my-store.myshopify.com ']) {
				const { ctx } = fakeWebhook({ body: ORDER_BODY, headers: deliveryHeaders(ORDER_BODY), credentials: { shopDomain } });
				const result = await node.webhook.call(ctx);
				expect(result.workflowData).toHaveLength(1);
			}
		});

		it('does not check when the credential names no shop', async () => {
			const { ctx } = fakeWebhook({
				body: ORDER_BODY,
				headers: deliveryHeaders(ORDER_BODY, { 'X-Shopify-Shop-Domain': 'other-store.myshopify.com' }),
				credentials: { shopDomain: '' },
			});
			const result = await node.webhook.call(ctx);
			expect(result.workflowData).toHaveLength(1);
		});

		it('still answers 401 to a forged delivery naming another shop (the signature is checked first)', async () => {
			const { ctx, res } = fakeWebhook({
				body: ORDER_BODY,
				headers: deliveryHeaders(ORDER_BODY, { 'X-Shopify-Shop-Domain': 'other-store.myshopify.com', 'X-Shopify-Hmac-Sha256': sign(ORDER_BODY, 'attacker') }),
			});
			await node.webhook.call(ctx);
			expect(res.status).toHaveBeenCalledWith(401);
		});
	});

	it('falls back to the re-serialised body when rawBody is absent', async () => {
		const compact = JSON.stringify({ a: 1 });
		const { ctx, logger } = fakeWebhook({
			body: compact,
			headers: deliveryHeaders(compact),
			rawBody: null,
		});
		const result = await node.webhook.call(ctx);
		expect(result.workflowData).toHaveLength(1);
		expect(logger.warn).toHaveBeenCalled();
	});
});

describe('ShopifyWebhookTrigger.webhookMethods', () => {
	const node = new ShopifyWebhookTrigger();
	const methods = node.webhookMethods.default;
	const GRAPHQL = '/admin/api/2026-10/graphql.json';

	function fakeHook(
		credentials: Record<string, unknown>,
		topics = ['orders/create', 'customers/redact'],
	) {
		const staticData: Record<string, unknown> = {};
		const requests: IHttpRequestOptions[] = [];
		const ctx = {
			getCredentials: jest.fn(async () => ({
				shopDomain: SHOP,
				webhookSecret: SECRET,
				apiVersion: '2026-10',
				...credentials,
			})),
			getNodeParameter: jest.fn((name: string, fallback?: unknown) =>
				name === 'topics' ? topics : fallback,
			),
			getNodeWebhookUrl: () => HOOK,
			getWorkflowStaticData: () => staticData,
			getNode: () => ({ name: 'Shopify Webhook Trigger', type: 'shopifyWebhookTrigger' }),
			helpers: {
				httpRequestWithAuthentication: jest.fn(async function (
					this: unknown,
					credentialName: string,
					options: IHttpRequestOptions,
				) {
					expect(credentialName).toBe('shopifyWebhookApi');
					requests.push(options);
					const response = await axios.request({
						method: options.method,
						url: options.url,
						data: options.body,
						headers: {
							...(options.headers as Record<string, string>),
							'X-Shopify-Access-Token': 'shpat_x',
						},
					});
					return response.data;
				}),
			},
		};
		return { ctx: ctx as unknown as IHookFunctions, staticData, requests };
	}

	beforeAll(() => nock.disableNetConnect());
	afterAll(() => nock.enableNetConnect());
	afterEach(() => nock.cleanAll());

	it('without an access token: checkExists is true and nothing is called', async () => {
		const { ctx } = fakeHook({ accessToken: '' });
		await expect(methods.checkExists.call(ctx)).resolves.toBe(true);
		await expect(methods.create.call(ctx)).resolves.toBe(true);
		await expect(methods.delete.call(ctx)).resolves.toBe(true);
		expect((ctx.helpers.httpRequestWithAuthentication as jest.Mock).mock.calls).toHaveLength(0);
	});

	it('with a token: registers, stores ids, then deletes them on unpublish', async () => {
		const scope = nock(`https://${SHOP}`)
			.post(GRAPHQL, (b) => String(b.query).includes('webhookSubscriptions('))
			.twice()
			.reply(200, {
				data: {
					webhookSubscriptions: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
				},
			})
			.post(GRAPHQL, (b) => String(b.query).includes('webhookSubscriptionCreate'))
			.reply(200, (_u, b) => ({
				data: {
					webhookSubscriptionCreate: {
						webhookSubscription: {
							id: 'gid://shopify/WebhookSubscription/1',
							topic: (b as { variables: { topic: string } }).variables.topic,
							uri: HOOK,
						},
						userErrors: [],
					},
				},
			}))
			.post(GRAPHQL, (b) => String(b.query).includes('webhookSubscriptionDelete'))
			.reply(200, {
				data: {
					webhookSubscriptionDelete: {
						deletedWebhookSubscriptionId: 'gid://shopify/WebhookSubscription/1',
						userErrors: [],
					},
				},
			});
		const { ctx, staticData, requests } = fakeHook({ accessToken: 'shpat_x' });
		await expect(methods.checkExists.call(ctx)).resolves.toBe(false);
		await expect(methods.create.call(ctx)).resolves.toBe(true);
		expect(staticData.subscriptionIds).toEqual(['gid://shopify/WebhookSubscription/1']);
		expect(requests[0]).toMatchObject({
			method: 'POST',
			url: `https://${SHOP}${GRAPHQL}`,
			json: true,
		});
		await expect(methods.delete.call(ctx)).resolves.toBe(true);
		expect(staticData.subscriptionIds).toBeUndefined();
		expect(scope.isDone()).toBe(true);
	});

	it('rejects an invalid shop domain with an error naming the field', async () => {
		const { ctx } = fakeHook({ accessToken: 'shpat_x', shopDomain: 'my-store.com' });
		await expect(methods.create.call(ctx)).rejects.toThrow(/Shop Domain/);
	});

	it('surfaces userErrors with the topic name', async () => {
		nock(`https://${SHOP}`)
			.post(GRAPHQL, (b) => String(b.query).includes('webhookSubscriptions('))
			.reply(200, {
				data: {
					webhookSubscriptions: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
				},
			})
			.post(GRAPHQL)
			.reply(200, {
				data: {
					webhookSubscriptionCreate: {
						webhookSubscription: null,
						userErrors: [{ field: null, message: 'Protected customer data approval is required' }],
					},
				},
			});
		const { ctx } = fakeHook({ accessToken: 'shpat_x' }, ['customers/create']);
		await expect(methods.create.call(ctx)).rejects.toThrow(
			/customers\/create.*Protected customer data approval/,
		);
	});
});
