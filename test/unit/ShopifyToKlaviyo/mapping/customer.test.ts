import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, expectValid, fixture } from './helpers';

describe('blueprint: customer', () => {
	it('maps the sample customer to the blueprint profile upsert', () => {
		const { requests, skipped } = mapDelivery(delivery('customers/create', fixture('customer-blueprint.json')));
		expect(skipped).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(requests[0].operation).toBe('profile.upsert');
		expect(requests[0].body).toEqual({
			data: {
				type: 'profile',
				attributes: {
					email: 'customer@example.com',
					phone_number: '+15551234567',
					first_name: 'Jane',
					last_name: 'Doe',
					location: { address1: '123 Main St', city: 'Anytown', region: 'CA', zip: '90210', country: 'United States' },
					properties: {
						'Shopify ID': '123456789',
						'Verified Email': true,
						'Customer State': 'enabled',
						Address1: '123 Main St',
						City: 'Anytown',
						Region: 'CA',
						Zip: '90210',
						Country: 'United States',
					},
				},
			},
		});
		expect(requests[0].topic).toBe('customers/create');
		expect(requests[0].idempotencyKey).toBe('my-store.myshopify.com:customers/create:ev-1');
		expect(requests[0].summary).not.toContain('customer@example.com');
		expectValid(requests);
	});
});

describe('blueprint: order', () => {
	const { requests } = mapDelivery(delivery('orders/create', fixture('order-blueprint.json')));
	const placed = requests[0];
	const a = attrs(placed);

	it('sends Placed Order first, then one Ordered Product per line item', () => {
		expect(requests.map((r) => attrs(r).metric.data.attributes.name)).toEqual(['Placed Order', 'Ordered Product', 'Ordered Product']);
		expect(requests.every((r) => r.operation === 'event.create')).toBe(true);
		expectValid(requests);
	});

	it('has the blueprint properties', () => {
		expect(a.properties).toMatchObject({
			OrderId: '987654321',
			OrderNumber: '#1001',
			Value: 99.99,
			Currency: 'USD',
			ShippingAddress: '123 Main St, Anytown, CA 90210, United States',
		});
		expect(a.properties.Items).toHaveLength(2);
		expect(a.properties.Items[0]).toMatchObject({ SKU: 'PA123', Name: 'Product A', Price: 49.99, Quantity: 1 });
		expect(a.properties.Items[1]).toMatchObject({ SKU: 'PB456', Name: 'Product B', Price: 50, Quantity: 1 });
		expect(a.properties.ItemNames).toEqual(['Product A', 'Product B']);
		expect(a.properties.ItemCount).toBe(2);
	});

	it('has time in UTC without millis, value, currency and a deterministic unique_id', () => {
		expect(a.time).toBe('2023-01-01T15:30:00Z');
		expect(a.value).toBe(99.99);
		expect(a.value_currency).toBe('USD');
		expect(a.unique_id).toBe('shopify:order:987654321:placed');
		expect(attrs(requests[1]).unique_id).toBe('shopify:order:987654321:line:1');
		expect(attrs(requests[2]).unique_id).toBe('shopify:order:987654321:line:2');
		expect(a.metric).toEqual({ data: { type: 'metric', attributes: { name: 'Placed Order' } } });
		expect(a.profile).toEqual({ data: { type: 'profile', attributes: { email: 'customer@example.com' } } });
	});

	it('reproduces the blueprint exactly: placedOrder renamed to "Ordered Product", line item events off', () => {
		const result = mapDelivery(delivery('orders/create', fixture('order-blueprint.json')), {
			metricNames: { placedOrder: 'Ordered Product' },
			lineItemEvents: false,
		});
		expect(result.requests).toHaveLength(1);
		const b = attrs(result.requests[0]);
		expect(b.metric.data.attributes.name).toBe('Ordered Product');
		expect(b.properties.OrderNumber).toBe('#1001');
		expect(result.requests[0].summary).toBe('Ordered Product #1001');
		expectValid(result.requests);
	});

	it('is deterministic: the same delivery maps to the same bodies', () => {
		const again = mapDelivery(delivery('orders/create', fixture('order-blueprint.json')));
		expect(again.requests).toEqual(requests);
	});
});

/**
 * The blueprint's own sample order, verbatim (test/fixtures/shopify/order-blueprint-original.json):
 * `"order_number": "#1001"` and no `name`, line item ids 111 and 222. (order-blueprint.json is a
 * Shopify-shaped rewrite with `name`; this one is what the blueprint itself shows.)
 */
describe('blueprint: the original sample order (order_number "#1001", no name)', () => {
	const original = fixture('order-blueprint-original.json');

	it('is the blueprint sample: order_number "#1001", no name, line ids 111 and 222', () => {
		expect(original.order_number).toBe('#1001');
		expect(original).not.toHaveProperty('name');
		expect((original.line_items as Array<{ id: number }>).map((l) => l.id)).toEqual([111, 222]);
	});

	it('maps to exactly the blueprint Placed Order event', () => {
		const { requests, skipped } = mapDelivery(delivery('orders/create', original));
		expect(skipped).toBeUndefined();
		expect(requests[0]).toEqual({
			operation: 'event.create',
			summary: 'Placed Order #1001',
			topic: 'orders/create',
			idempotencyKey: 'my-store.myshopify.com:orders/create:ev-1',
			shop: 'my-store.myshopify.com',
			body: {
				data: {
					type: 'event',
					attributes: {
						properties: {
							OrderId: '987654321',
							OrderNumber: '#1001',
							Value: 99.99,
							Currency: 'USD',
							ItemNames: ['Product A', 'Product B'],
							ItemCount: 2,
							Items: [
								{ SKU: 'PA123', Name: 'Product A', Quantity: 1, Price: 49.99, RowTotal: 49.99 },
								{ SKU: 'PB456', Name: 'Product B', Quantity: 1, Price: 50, RowTotal: 50 },
							],
							ShippingAddress: '123 Main St, Anytown, CA 90210, United States',
						},
						time: '2023-01-01T15:30:00Z',
						value: 99.99,
						value_currency: 'USD',
						unique_id: 'shopify:order:987654321:placed',
						metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
						profile: { data: { type: 'profile', attributes: { email: 'customer@example.com' } } },
					},
				},
			},
		});
		expectValid(requests);
	});

	it('keys the Ordered Product events by the real line item ids 111 and 222, not their position', () => {
		const { requests } = mapDelivery(delivery('orders/create', original));
		expect(requests.slice(1).map((r) => attrs(r).unique_id)).toEqual([
			'shopify:order:987654321:line:111',
			'shopify:order:987654321:line:222',
		]);
		expect(requests.slice(1).map((r) => attrs(r).properties.OrderNumber)).toEqual(['#1001', '#1001']);
	});

	it('reproduces the blueprint output with the order-level metric named "Ordered Product"', () => {
		const { requests } = mapDelivery(delivery('orders/create', original), {
			metricNames: { placedOrder: 'Ordered Product' },
			lineItemEvents: false,
		});
		expect(requests).toHaveLength(1);
		expect(attrs(requests[0]).metric.data.attributes.name).toBe('Ordered Product');
		expect(attrs(requests[0]).properties.OrderNumber).toBe('#1001');
		expect(requests[0].summary).toBe('Ordered Product #1001');
	});

	it('takes name over order_number, and keeps a numeric order_number as Shopify gave it', () => {
		const withName = mapDelivery(delivery('orders/create', { ...original, name: '#1001-A', order_number: 1001 }));
		expect(attrs(withName.requests[0]).properties.OrderNumber).toBe('#1001-A');
		const numeric = mapDelivery(delivery('orders/create', { ...original, order_number: 1001 }));
		expect(attrs(numeric.requests[0]).properties.OrderNumber).toBe(1001);
		expect(numeric.requests[0].summary).toBe('Placed Order 1001');
		const none = mapDelivery(delivery('orders/create', { ...original, order_number: undefined }));
		expect(attrs(none.requests[0]).properties).not.toHaveProperty('OrderNumber');
		expect(none.requests[0].summary).toBe('Placed Order 987654321');
	});

	it('carries the order number onto status events and refunds of orders/updated', () => {
		const updated = {
			...original,
			fulfillment_status: 'fulfilled',
			updated_at: '2023-01-02T10:00:00Z',
			refunds: [{ id: 5, created_at: '2023-01-03T10:00:00Z', transactions: [{ kind: 'refund', status: 'success', amount: '10.00' }] }],
		};
		const { requests } = mapDelivery(delivery('orders/updated', updated));
		expect(requests.map((r) => attrs(r).properties.OrderNumber)).toEqual(['#1001', '#1001']);
	});
});
