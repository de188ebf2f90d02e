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
