import {
	getShopifyHeader,
	isCredentialShop,
	readShopifyHeaders,
} from '../../../nodes/ShopifyWebhookTrigger/headers';

describe('Shopify headers', () => {
	it('reads the classic X-Shopify-* headers case-insensitively', () => {
		const headers = {
			'X-Shopify-Topic': 'orders/create',
			'X-SHOPIFY-HMAC-SHA256': 'sig',
			'x-shopify-shop-domain': 'my-store.myshopify.com',
			'X-Shopify-API-Version': '2026-10',
			'X-Shopify-Webhook-Id': 'wh-1',
			'X-Shopify-Event-Id': 'ev-1',
			'X-Shopify-Triggered-At': '2026-11-01T10:00:00.000Z',
		};
		expect(readShopifyHeaders(headers)).toEqual({
			topic: 'orders/create',
			shop: 'my-store.myshopify.com',
			apiVersion: '2026-10',
			webhookId: 'wh-1',
			eventId: 'ev-1',
			triggeredAt: '2026-11-01T10:00:00.000Z',
			hmac: 'sig',
		});
	});

	it('reads the newer unprefixed shopify-* headers', () => {
		const headers = {
			'shopify-topic': 'customers/update',
			'Shopify-Hmac-Sha256': 'sig2',
			'shopify-shop-domain': 'other.myshopify.com',
			'shopify-api-version': '2026-07',
			'shopify-webhook-id': 'wh-2',
			'shopify-event-id': 'ev-2',
			'shopify-triggered-at': '2026-11-02T10:00:00Z',
		};
		const meta = readShopifyHeaders(headers);
		expect(meta.topic).toBe('customers/update');
		expect(meta.hmac).toBe('sig2');
		expect(meta.shop).toBe('other.myshopify.com');
		expect(meta.apiVersion).toBe('2026-07');
		expect(meta.eventId).toBe('ev-2');
		expect(meta.triggeredAt).toBe('2026-11-02T10:00:00Z');
	});

	it('prefers the X- prefixed header, takes the first of repeated values, and trims', () => {
		expect(getShopifyHeader({ 'x-shopify-topic': 'a/b', 'shopify-topic': 'c/d' }, 'Topic')).toBe(
			'a/b',
		);
		expect(getShopifyHeader({ 'x-shopify-topic': [' a/b ', 'c/d'] }, 'Topic')).toBe('a/b');
		expect(getShopifyHeader({}, 'Topic')).toBeUndefined();
		expect(getShopifyHeader(undefined, 'Topic')).toBeUndefined();
	});

	it('defaults missing headers to empty strings', () => {
		expect(readShopifyHeaders({})).toEqual({
			topic: '',
			shop: '',
			apiVersion: '',
			webhookId: '',
			eventId: '',
			triggeredAt: '',
			hmac: undefined,
		});
	});
});

describe('isCredentialShop', () => {
	it('compares shop domains without case, scheme or path; an empty credential domain accepts any shop', () => {
		expect(isCredentialShop('https://My-Store.myshopify.com/admin', 'my-store.myshopify.com')).toBe(true);
		expect(isCredentialShop('my-store.myshopify.com', 'other.myshopify.com')).toBe(false);
		expect(isCredentialShop('my-store.myshopify.com', '')).toBe(false);
		expect(isCredentialShop('', 'other.myshopify.com')).toBe(true);
		expect(isCredentialShop(undefined, 'other.myshopify.com')).toBe(true);
	});
});
