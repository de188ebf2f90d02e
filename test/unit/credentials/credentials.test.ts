import axios from 'axios';
import nock from 'nock';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import {
	KLAVIYO_DEFAULT_BASE_URL,
	KLAVIYO_DEFAULT_REVISION,
	KlaviyoPrivateKeyApi,
} from '../../../credentials/KlaviyoPrivateKeyApi.credentials';
import {
	SHOPIFY_DEFAULT_API_VERSION,
	ShopifyWebhookApi,
} from '../../../credentials/ShopifyWebhookApi.credentials';

/**
 * Resolves the `={{ … }}` expressions of a credential definition the way n8n does for
 * `$credentials` (a JavaScript expression over the credential's fields).
 */
function resolve(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value.slice(1).replace(/\{\{(.+?)\}\}/g, (_, expr: string) => {
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- evaluates the credential's own expressions, as n8n does
		const fn = new Function('$credentials', `return (${expr});`) as (c: unknown) => unknown;
		return String(fn(credentials));
	});
}

function defaults(props: Array<{ name: string; default: unknown }>) {
	return Object.fromEntries(props.map((p) => [p.name, p.default])) as ICredentialDataDecryptedObject;
}

/** Builds the credential test request n8n would send: test.request + authenticate headers. */
async function testRequest(
	cred: KlaviyoPrivateKeyApi | ShopifyWebhookApi,
	credentials: ICredentialDataDecryptedObject,
): Promise<IHttpRequestOptions> {
	const req = cred.test.request;
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = String(resolve(v, credentials));
	const options: IHttpRequestOptions = {
		method: req.method,
		baseURL: String(resolve(req.baseURL, credentials)),
		url: String(req.url),
		headers,
		body: req.body,
	};
	const auth = cred.authenticate;
	if (typeof auth === 'function') return await auth(credentials, options);
	for (const [k, v] of Object.entries(auth.properties.headers ?? {})) headers[k] = String(resolve(v, credentials));
	return options;
}

async function send(req: IHttpRequestOptions) {
	return axios.request({
		method: req.method,
		baseURL: req.baseURL,
		url: req.url,
		headers: req.headers as Record<string, string>,
		data: req.body,
		validateStatus: () => true,
	});
}

describe('Klaviyo credential (klaviyoPrivateKeyApi)', () => {
	const cred = new KlaviyoPrivateKeyApi();

	afterEach(() => nock.cleanAll());

	it('does not collide with n8n built-ins and keeps the key secret', () => {
		expect(cred.name).toBe('klaviyoPrivateKeyApi');
		const key = cred.properties.find((p) => p.name === 'privateKey');
		expect(key?.typeOptions?.password).toBe(true);
		expect(key?.required).toBe(true);
	});

	it('defaults to the pinned revision and Klaviyo base URL', () => {
		const d = defaults(cred.properties);
		expect(d.revision).toBe(KLAVIYO_DEFAULT_REVISION);
		expect(KLAVIYO_DEFAULT_REVISION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(d.baseUrl).toBe(KLAVIYO_DEFAULT_BASE_URL);
	});

	it('sends by default the revision of the vendored OpenAPI spec the bodies are validated against', async () => {
		// the lint forbids importing fs in this package, even in tests
		const fs = jest.requireActual('fs') as { readFileSync(path: string, encoding: string): string };
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { specPath } = require('../../fake-klaviyo/openapi') as { specPath: () => string };
		const spec = JSON.parse(fs.readFileSync(specPath(), 'utf8')) as { info: { version: string } };
		expect(spec.info.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(KLAVIYO_DEFAULT_REVISION).toBe(spec.info.version);
		// an empty revision field falls back to the same default
		const options = await cred.authenticate({ privateKey: 'pk_x', revision: '' }, { url: '/api/events' });
		expect(options.headers).toMatchObject({ revision: spec.info.version });
		// and a revision chosen in the credential is sent as is
		const custom = await cred.authenticate({ privateKey: 'pk_x', revision: '2026-10-15' }, { url: '/api/events' });
		expect(custom.headers).toMatchObject({ revision: '2026-10-15' });
	});

	it('credential test: GET /api/accounts/ with Klaviyo-API-Key and revision headers', async () => {
		const credentials = { ...defaults(cred.properties), privateKey: 'pk_test_123' };
		const scope = nock('https://a.klaviyo.com', {
			reqheaders: {
				authorization: 'Klaviyo-API-Key pk_test_123',
				revision: KLAVIYO_DEFAULT_REVISION,
			},
		})
			.get('/api/accounts/')
			.reply(200, { data: [{ type: 'account', id: 'AbC123' }] });
		const res = await send(await testRequest(cred, credentials));
		expect(res.status).toBe(200);
		expect(scope.isDone()).toBe(true);
	});

	it('credential test follows a custom base URL (proxy or local sandbox), trailing slash tolerated', async () => {
		const credentials = {
			...defaults(cred.properties),
			privateKey: 'pk_x',
			baseUrl: 'http://127.0.0.1:5680/',
		};
		const scope = nock('http://127.0.0.1:5680').get('/api/accounts/').reply(401, {
			errors: [{ status: 401, code: 'not_authenticated', detail: 'Incorrect authentication credentials.' }],
		});
		const res = await send(await testRequest(cred, credentials));
		expect(res.status).toBe(401);
		expect(scope.isDone()).toBe(true);
	});
});

describe('Shopify credential (shopifyWebhookApi)', () => {
	const cred = new ShopifyWebhookApi();

	afterEach(() => nock.cleanAll());

	it('does not collide with n8n built-ins', () => {
		expect(['shopifyApi', 'shopifyAccessTokenApi', 'shopifyOAuth2Api']).not.toContain(cred.name);
	});

	it('secrets are password fields; the token is optional; the signing secret is required', () => {
		const byName = Object.fromEntries(cred.properties.map((p) => [p.name, p]));
		for (const name of ['accessToken', 'webhookSecret', 'previousWebhookSecret']) {
			expect(byName[name].typeOptions?.password).toBe(true);
		}
		expect(byName.accessToken.required).toBeFalsy();
		expect(byName.webhookSecret.required).toBe(true);
		expect(byName.apiVersion.default).toBe(SHOPIFY_DEFAULT_API_VERSION);
		expect(SHOPIFY_DEFAULT_API_VERSION).toBe('2026-10');
	});

	it('credential test: GraphQL { shop { name } } on the Admin API with the access token', async () => {
		const credentials = {
			...defaults(cred.properties),
			shopDomain: 'my-store.myshopify.com',
			accessToken: 'shpat_abc',
			webhookSecret: 'x',
		};
		const scope = nock('https://my-store.myshopify.com', {
			reqheaders: { 'x-shopify-access-token': 'shpat_abc' },
		})
			.post('/admin/api/2026-10/graphql.json', { query: '{ shop { name } }' })
			.reply(200, { data: { shop: { name: 'My Store' } } });
		const res = await send(await testRequest(cred, credentials));
		expect(res.data.data.shop.name).toBe('My Store');
		expect(scope.isDone()).toBe(true);
	});

	it('credential test goes to the Admin API URL when one is set (a proxy or the fake Shopify)', async () => {
		const credentials = {
			...defaults(cred.properties),
			shopDomain: 'my-store.myshopify.com',
			accessToken: 'shpat_abc',
			webhookSecret: 'x',
			apiUrl: 'http://127.0.0.1:6150/',
		};
		const scope = nock('http://127.0.0.1:6150', { reqheaders: { 'x-shopify-access-token': 'shpat_abc' } })
			.post('/admin/api/2026-10/graphql.json', { query: '{ shop { name } }' })
			.reply(200, { data: { shop: { name: 'Fake' } } });
		const res = await send(await testRequest(cred, credentials));
		expect(res.data.data.shop.name).toBe('Fake');
		expect(scope.isDone()).toBe(true);
	});
});
