import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, expectValid } from './helpers';

/**
 * refunds/create, each event literally: which transactions count, where the currency and the time
 * come from, and the fallback to the refunded lines when there is no transaction.
 */
const refund = (extra: Record<string, unknown> = {}) => ({
	id: 7001,
	order_id: 5001,
	order_name: '#1042',
	email: 'kim@example.com',
	created_at: '2026-03-20T10:00:00-04:00',
	processed_at: '2026-03-20T10:05:00-04:00',
	note: ' damaged in transit ',
	transactions: [
		{ id: 1, kind: 'refund', status: 'success', amount: '12.50', currency: 'EUR' },
		{ id: 2, kind: 'refund', status: 'failure', amount: '99.00', currency: 'EUR' },
		{ id: 3, kind: 'sale', status: 'success', amount: '50.00', currency: 'EUR' },
		{ id: 4, kind: 'refund', status: 'success', amount: '2.25', currency: 'EUR' },
		'not a transaction',
	],
	refund_line_items: [
		{
			quantity: 2,
			line_item: { product_id: 8001, variant_id: 8101, sku: 'MUG-BLUE', name: 'Mug - Blue' },
			subtotal_set: { shop_money: { amount: '50.00', currency_code: 'USD' } },
			total_tax_set: { shop_money: { amount: '4.00', currency_code: 'USD' } },
		},
		{ quantity: 1, line_item: { title: 'Tea' }, subtotal: 10, total_tax: '0.80' },
	],
	...extra,
});

describe('refunds/create, exactly', () => {
	it('value = the successful refund transactions, in their currency; processed_at; every property', () => {
		const { requests } = mapDelivery(delivery('refunds/create', refund()));
		expectValid(requests);
		expect(requests).toHaveLength(1);
		expect(requests[0].summary).toBe('Refunded Order #1042 (refund 7001)');
		expect(attrs(requests[0])).toEqual({
			properties: {
				OrderId: '5001',
				OrderNumber: '#1042',
				RefundId: '7001',
				Value: 14.75,
				Currency: 'EUR',
				Note: 'damaged in transit',
				ItemNames: ['Mug - Blue', 'Tea'],
				ItemCount: 3,
				Items: [
					{ ProductID: '8001', VariantID: '8101', SKU: 'MUG-BLUE', Name: 'Mug - Blue', Quantity: 2 },
					{ Name: 'Tea', Quantity: 1 },
				],
			},
			time: '2026-03-20T14:05:00Z',
			value: 14.75,
			value_currency: 'EUR',
			unique_id: 'shopify:refund:7001',
			metric: { data: { type: 'metric', attributes: { name: 'Refunded Order' } } },
			profile: { data: { type: 'profile', attributes: { email: 'kim@example.com' } } },
		});
	});

	it('no successful refund transaction: value = refunded lines (subtotal + tax, shop money), in the lines currency; created_at', () => {
		const { requests } = mapDelivery(delivery('refunds/create', refund({ transactions: [{ kind: 'refund', status: 'pending', amount: '1.00' }], processed_at: null })));
		const a = attrs(requests[0]);
		expect([a.value, a.value_currency, a.properties.Value, a.properties.Currency, a.time]).toEqual([64.8, 'USD', 64.8, 'USD', '2026-03-20T14:00:00Z']);
	});

	it('transactions without a currency take the lines currency; lines without amounts count 0', () => {
		const { requests } = mapDelivery(
			delivery('refunds/create', refund({ transactions: [{ kind: 'refund', status: 'success', amount: '3' }], refund_line_items: [{ quantity: 1, line_item: {}, subtotal_set: { shop_money: { currency_code: 'JPY' } } }] })),
		);
		const a = attrs(requests[0]);
		expect([a.value, a.value_currency, a.properties.Items, a.properties.ItemNames, a.properties.ItemCount]).toEqual([3, 'JPY', [{ Quantity: 1 }], undefined, 1]);
		const none = mapDelivery(delivery('refunds/create', refund({ transactions: [], refund_line_items: [{ line_item: { name: 'X' } }] })));
		expect([attrs(none.requests[0]).value, attrs(none.requests[0]).properties.ItemCount, attrs(none.requests[0]).properties.Items]).toEqual([0, undefined, [{ Name: 'X' }]]);
	});

	it('label: the order number, else the order id, else "unknown order"; no order → no OrderId', () => {
		expect(mapDelivery(delivery('refunds/create', refund({ order_name: undefined }))).requests[0].summary).toBe('Refunded Order 5001 (refund 7001)');
		const orphan = mapDelivery(delivery('refunds/create', refund({ order_name: undefined, order_id: undefined })));
		expect(orphan.requests[0].summary).toBe('Refunded Order unknown order (refund 7001)');
		expect(attrs(orphan.requests[0]).properties).not.toHaveProperty('OrderId');
	});

	it('skips: a test refund when Skip Test Orders is on (not otherwise); a refund without any customer, naming the order', () => {
		const test = refund({ transactions: [{ kind: 'refund', status: 'success', amount: '1.00', test: true }] });
		expect(mapDelivery(delivery('refunds/create', test), { skipTestOrders: true }).skipped?.reason).toBe('test refund 7001 skipped (Skip Test Orders is on)');
		expect(mapDelivery(delivery('refunds/create', test)).requests).toHaveLength(1);
		expect(mapDelivery(delivery('refunds/create', refund()), { skipTestOrders: true }).requests).toHaveLength(1);
		const anonymous = mapDelivery(delivery('refunds/create', refund({ email: undefined, order_id: undefined })));
		expect(anonymous.skipped?.reason).toBe(
			'refund 7001 of order (unknown) has no email, phone or customer id (refunds/create carries no customer; the Refunded Order event is sent from orders/updated)',
		);
		expect(() => mapDelivery(delivery('refunds/create', refund({ id: undefined })))).toThrow('refunds/create payload: id is missing');
		expect(() => mapDelivery(delivery('refunds/create', refund({ transactions: [{ kind: 'refund', status: 'success', amount: 'ten' }] })))).toThrow(
			'refunds/create payload: transactions[0].amount is not a decimal string',
		);
	});
});
