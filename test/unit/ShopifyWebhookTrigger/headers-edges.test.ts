import {
	canonicalShopDomain,
	getShopifyHeader,
	readShopifyHeaders,
} from '../../../nodes/ShopifyWebhookTrigger/headers';

/** Edges of header parsing that mutation testing showed untested (test/MUTATION.md). */
describe('Shopify headers: edges', () => {
	it('lower-cases the topic and the shop domain, keeps the other values as sent (trimmed)', () => {
		expect(
			readShopifyHeaders({
				'X-Shopify-Topic': ' Orders/Create ',
				'X-Shopify-Shop-Domain': 'My-Store.MyShopify.com',
				'X-Shopify-API-Version': ' 2026-10 ',
				'X-Shopify-Webhook-Id': 'WH-1',
				'X-Shopify-Event-Id': 'EV-1',
				'X-Shopify-Triggered-At': '2026-11-01T10:00:00Z',
				'X-Shopify-Hmac-Sha256': ' Sig= ',
			}),
		).toEqual({
			topic: 'orders/create',
			shop: 'my-store.myshopify.com',
			apiVersion: '2026-10',
			webhookId: 'WH-1',
			eventId: 'EV-1',
			triggeredAt: '2026-11-01T10:00:00Z',
			hmac: 'Sig=',
		});
	});

	it('skips a null or empty-list header and falls back to the unprefixed one', () => {
		expect(getShopifyHeader({ 'x-shopify-topic': null, 'shopify-topic': 'c/d' }, 'Topic')).toBe('c/d');
		expect(getShopifyHeader({ 'x-shopify-topic': [], 'shopify-topic': 'c/d' }, 'Topic')).toBe('c/d');
		expect(getShopifyHeader({ 'X-Shopify-Topic': null, 'Shopify-Topic': ' e/f ' }, 'Topic')).toBe('e/f');
		expect(getShopifyHeader({ 'X-Shopify-Topic': [], 'X-Other': 'x' }, 'Topic')).toBeUndefined();
		expect(getShopifyHeader({ 'x-shopify-topic': undefined }, 'Topic')).toBeUndefined();
	});

	it('turns a numeric header value into a string, and takes the first of a mixed-case repeated header', () => {
		expect(getShopifyHeader({ 'x-shopify-event-id': 12345 }, 'Event-Id')).toBe('12345');
		expect(getShopifyHeader({ 'X-Shopify-Event-Id': [' 7 ', '8'] }, 'Event-Id')).toBe('7');
		// an inherited property is not a header
		const inherited = Object.create({ 'x-shopify-topic': 'proto/topic' }) as Record<string, string>;
		expect(getShopifyHeader(inherited, 'Topic')).toBeUndefined();
	});

	it('canonical shop domain: scheme, path, case and spaces go; anything not a string is empty', () => {
		expect(canonicalShopDomain(' HTTP://Shop.MyShopify.com/admin/settings ')).toBe('shop.myshopify.com');
		expect(canonicalShopDomain('https://shop.myshopify.com')).toBe('shop.myshopify.com');
		expect(canonicalShopDomain('shop.myshopify.com/')).toBe('shop.myshopify.com');
		expect(canonicalShopDomain('ftp://shop.myshopify.com')).toBe('ftp:');
		expect(canonicalShopDomain(42)).toBe('');
		expect(canonicalShopDomain(null)).toBe('');
	});
});
