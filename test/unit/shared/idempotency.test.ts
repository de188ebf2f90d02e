import { idempotencyKey } from '../../../nodes/shared/idempotency';

describe('idempotencyKey (one recipe for every delivery)', () => {
	it('keys a Shopify webhook by its event id, else its webhook id', () => {
		expect(idempotencyKey({ shop: 's.myshopify.com', topic: 'orders/paid', eventId: 'e', webhookId: 'w' })).toBe('s.myshopify.com:orders/paid:e');
		expect(idempotencyKey({ shop: 's.myshopify.com', topic: 'orders/paid', eventId: '', webhookId: 'w' })).toBe('s.myshopify.com:orders/paid:w');
	});

	it('keys a bare payload by its id, under "manual" when the shop is unknown', () => {
		expect(idempotencyKey({ topic: 'orders/create', fallbackId: '42' })).toBe('manual:orders/create:42');
		expect(idempotencyKey({ shop: 's.myshopify.com', topic: 'orders/create', eventId: 'e', fallbackId: '42' })).toBe('s.myshopify.com:orders/create:e');
	});

	it('keys a polled change by the object and its Shopify time', () => {
		expect(idempotencyKey({ shop: 's', source: 'graphql', topic: 'orders/updated', objectId: '1', objectTimeMs: 5 })).toBe('s:graphql:orders/updated:1:5');
		expect(idempotencyKey({ shop: 's', source: 'graphql', topic: 'orders/updated', objectId: '1' })).toBe('s:graphql:orders/updated:1:no-time');
	});
});
