/** orders/* → Placed Order, Ordered Product, Fulfilled / Cancelled / Refunded Order (mapping/order.ts). */
import { mapDelivery, MappingError } from '../../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, example, expectValid, fixture, newestApiVersion } from '../helpers';

const VERSION = newestApiVersion();
const map = (topic: string, options = {}) => mapDelivery(delivery(topic, example(VERSION, topic)), options);
const metrics = (topic: string, options = {}) => map(topic, options).requests.map((r) => attrs(r).metric?.data.attributes.name);
const blueprint = () => fixture('order-blueprint.json');

describe('order identity', () => {
	it('phone-only guest: uses the first valid phone, notes the invalid one, keeps 0-priced, null-sku items', () => {
		const { requests } = mapDelivery(delivery('orders/create', fixture('order-phone-only-guest.json')));
		expectValid(requests);
		const a = attrs(requests[0]);
		expect(a.profile.data.attributes).toEqual({ phone_number: '+33142685300', first_name: 'Zoë', last_name: 'Ångström' });
		expect(requests[0].notes).toEqual(['billing_address.phone is not a valid E.164 phone number; dropped']);
		expect(a.value).toBe(0);
		expect(a.time).toBe('2024-03-10T14:59:59Z');
		expect(a.properties.OrderId).toBe('5550000000000000001');
		expect(a.properties.DiscountCodes).toEqual(['FREEBIE']);
		expect(a.properties.TotalDiscounts).toBe(10);
		expect(a.properties.SourceName).toBe('pos');
		expect(a.properties.Items[0]).toEqual({ Name: 'Custom gift wrap', ProductName: 'Custom gift wrap', Quantity: 1, Price: 0, RowTotal: 0 });
		expect(attrs(requests[1]).unique_id).toBe('shopify:order:5550000000000000001:line:5550000000000000101');
		expect(attrs(requests[1]).value).toBe(0);
	});

	it('uses contact_email, then customer.email', () => {
		const a = { ...blueprint(), email: null, contact_email: 'c@example.com' };
		expect(attrs(mapDelivery(delivery('orders/create', a)).requests[0]).profile.data.attributes.email).toBe('c@example.com');
		const b = { ...blueprint(), email: '', customer: { id: 5, email: 'cust@example.com', first_name: 'Jane' } };
		expect(attrs(mapDelivery(delivery('orders/create', b)).requests[0]).profile.data.attributes).toEqual({ email: 'cust@example.com', first_name: 'Jane' });
	});

	it('falls back to the Shopify customer id as external_id', () => {
		const order = { ...blueprint(), email: null, customer: { id: 42, phone: 'not a phone' } };
		const { requests } = mapDelivery(delivery('orders/create', order));
		expect(attrs(requests[0]).profile.data.attributes).toEqual({ external_id: '42' });
		expect(requests[0].notes).toEqual(['customer.phone is not a valid E.164 phone number; dropped']);
		expectValid(requests);
	});

	it('no email, phone or customer id → Skipped with the order name', () => {
		const order = { ...blueprint(), email: undefined };
		const { requests, skipped } = mapDelivery(delivery('orders/create', order));
		expect(requests).toEqual([]);
		expect(skipped).toEqual({
			skipped: true,
			reason: 'order #1001 has no email, phone or customer id',
			topic: 'orders/create',
			idempotencyKey: 'my-store.myshopify.com:orders/create:ev-1',
			shop: 'my-store.myshopify.com',
		});
	});
});

describe('order money', () => {
	it('presentment currency ≠ shop currency: value in shop currency, presentment kept as properties', () => {
		const { requests } = mapDelivery(delivery('orders/create', fixture('order-presentment-currency.json')));
		expectValid(requests);
		const a = attrs(requests[0]);
		expect(a.value).toBe(108.54);
		expect(a.value_currency).toBe('USD');
		expect(a.properties).toMatchObject({ Currency: 'USD', PresentmentCurrency: 'EUR', PresentmentValue: 100, OrderNumber: 'EU-1003' });
		expect(a.properties.Items[0]).toMatchObject({ SKU: 'MUG-☕', Name: 'Tasse à café ☕ - Bleu', VariantName: 'Bleu', Vendor: 'Café & Cie', RowTotal: 108.54, ProductID: '11', VariantID: '111' });
		expect(attrs(requests[1]).value).toBe(108.54);
	});

	it('zero- and three-decimal currencies', () => {
		const jpy = { ...blueprint(), currency: 'JPY', total_price: '1500', line_items: [{ id: 1, name: 'Tea', price: '500', quantity: 3 }] };
		const a = attrs(mapDelivery(delivery('orders/create', jpy)).requests[0]);
		expect([a.value, a.value_currency, a.properties.Items[0].RowTotal]).toEqual([1500, 'JPY', 1500]);
		const kwd = { ...blueprint(), currency: 'KWD', total_price: '3.702', line_items: [{ id: 1, name: 'Dates', price: '1.234', quantity: 3 }] };
		const k = attrs(mapDelivery(delivery('orders/create', kwd)).requests[0]);
		expect([k.value, k.properties.Items[0].RowTotal]).toEqual([3.702, 3.702]);
	});

	it('150 line items: exact totals, 151 events, all valid', () => {
		const line_items = Array.from({ length: 150 }, (_, i) => ({ id: 1000 + i, sku: `SKU-${i}`, name: `Item ${i}`, price: '0.10', quantity: 1 }));
		const order = { ...blueprint(), total_price: '15.00', line_items };
		// single events up to the Bulk Ordered Product threshold (bulk.test.ts covers the bulk path)
		const { requests } = mapDelivery(delivery('orders/create', order), { bulkOrderedProductAbove: 150 });
		expect(requests).toHaveLength(151);
		expect(attrs(requests[0]).properties.ItemCount).toBe(150);
		expect(new Set(requests.map((r) => attrs(r).unique_id)).size).toBe(151);
		expectValid(requests);
		expect(mapDelivery(delivery('orders/create', order), { lineItemEvents: false }).requests).toHaveLength(1);
	});

	it('bad input names the field', () => {
		const line_items = [...(blueprint().line_items as object[]), { id: 3, price: '1.00', quantity: 1 }, { id: 4, price: 'abc', quantity: 1 }];
		const order = { ...blueprint(), line_items };
		expect(() => mapDelivery(delivery('orders/create', order))).toThrow(MappingError);
		expect(() => mapDelivery(delivery('orders/create', order))).toThrow('orders/create payload: line_items[3].price is not a decimal string');
		expect(() => mapDelivery(delivery('orders/create', { ...blueprint(), total_price: null }))).toThrow('orders/create payload: total_price is not a decimal string');
		expect(() => mapDelivery(delivery('orders/create', { ...blueprint(), line_items: [{ price: '1', quantity: 1.5 }] }))).toThrow('line_items[0].quantity is not a whole number');
		expect(() => mapDelivery(delivery('orders/create', { ...blueprint(), id: undefined }))).toThrow('orders/create payload: id is missing');
	});

	it('test orders are sent unless Skip Test Orders is on', () => {
		const order = { ...blueprint(), test: true };
		expect(mapDelivery(delivery('orders/create', order)).requests).toHaveLength(3);
		expect(mapDelivery(delivery('orders/create', order), { skipTestOrders: true }).skipped?.reason).toBe('test order #1001 skipped (Skip Test Orders is on)');
	});
});

describe('order status events and idempotency', () => {
	const refund = {
		id: 777,
		order_id: 987654321,
		created_at: '2023-01-05T10:00:00-05:00',
		processed_at: '2023-01-05T10:00:01-05:00',
		refund_line_items: [{ quantity: 1, line_item_id: 2, subtotal_set: { shop_money: { amount: '50.00', currency_code: 'USD' } }, total_tax_set: { shop_money: { amount: '0.00', currency_code: 'USD' } }, line_item: { id: 2, sku: 'PB456', name: 'Product B' } }],
		transactions: [
			{ kind: 'refund', status: 'success', amount: '30.10', currency: 'USD' },
			{ kind: 'refund', status: 'success', amount: '19.90', currency: 'USD' },
			{ kind: 'refund', status: 'failure', amount: '50.00', currency: 'USD' },
		],
	};

	it('orders/updated with nothing to report → Skipped', () => {
		const { skipped } = mapDelivery(delivery('orders/updated', { ...blueprint(), fulfillment_status: null, cancelled_at: null, refunds: [] }));
		expect(skipped?.reason).toBe('no status change to report');
	});

	it('orders/updated: fulfilled + refunds[] → Fulfilled Order + Refunded Order', () => {
		const order = {
			...blueprint(),
			fulfillment_status: 'fulfilled',
			fulfillments: [{ created_at: '2023-01-02T08:00:00Z', tracking_company: 'UPS', tracking_numbers: ['1Z1', '1Z2'], tracking_urls: ['https://ups.example/1Z1'] }],
			refunds: [refund],
		};
		const { requests } = mapDelivery(delivery('orders/updated', order));
		expectValid(requests);
		expect(requests.map((r) => attrs(r).metric.data.attributes.name)).toEqual(['Fulfilled Order', 'Refunded Order']);
		const f = attrs(requests[0]);
		expect(f.time).toBe('2023-01-02T08:00:00Z');
		expect(f.properties).toMatchObject({ TrackingCompanies: ['UPS'], TrackingNumbers: ['1Z1', '1Z2'], FulfillmentStatus: 'fulfilled' });
		const r = attrs(requests[1]);
		expect(r.value).toBe(50);
		expect(r.properties).toMatchObject({ OrderId: '987654321', OrderNumber: '#1001', RefundId: '777', ItemNames: ['Product B'], ItemCount: 1 });
		expect(r.time).toBe('2023-01-05T15:00:01Z');
	});

	it('refund without transactions: value from refunded line items in shop money', () => {
		const bare = { ...refund, transactions: [] };
		const { requests } = mapDelivery(delivery('orders/updated', { ...blueprint(), refunds: [bare] }));
		expect(attrs(requests[0]).value).toBe(50);
	});

	it('orders/updated with cancelled_at → Cancelled Order at cancelled_at', () => {
		const { requests } = mapDelivery(delivery('orders/updated', { ...blueprint(), cancelled_at: '2023-01-03T00:00:00+01:00', cancel_reason: 'customer' }));
		expect(attrs(requests[0]).metric.data.attributes.name).toBe('Cancelled Order');
		expect(attrs(requests[0]).time).toBe('2023-01-02T23:00:00Z');
		expect(attrs(requests[0]).properties.CancelReason).toBe('customer');
		expectValid(requests);
	});

	it('any combination of topics and re-deliveries yields each event once', () => {
		const fulfilledOrder = { ...blueprint(), fulfillment_status: 'fulfilled', refunds: [refund] };
		const deliveries: Array<[string, Record<string, unknown>]> = [
			['orders/create', blueprint()],
			['orders/create', blueprint()],
			['orders/fulfilled', fulfilledOrder],
			['orders/updated', fulfilledOrder],
			['orders/updated', fulfilledOrder],
			['refunds/create', { ...refund, email: 'customer@example.com' }],
		];
		const keys = deliveries.flatMap(([topic, payload]) =>
			mapDelivery(delivery(topic, payload)).requests.map((r) => `${attrs(r).metric.data.attributes.name}|${attrs(r).unique_id}`),
		);
		expect([...new Set(keys)].sort()).toEqual([
			'Fulfilled Order|shopify:order:987654321:fulfilled',
			'Ordered Product|shopify:order:987654321:line:1',
			'Ordered Product|shopify:order:987654321:line:2',
			'Placed Order|shopify:order:987654321:placed',
			'Refunded Order|shopify:refund:777',
		]);
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

describe(`Shopify example payloads, API ${VERSION}`, () => {
	it('orders/create → Placed Order + Ordered Product per line item', () => {
		const order = example(VERSION, 'orders/create');
		const lines = (order.line_items as unknown[]).length;
		expect(metrics('orders/create')).toEqual(['Placed Order', ...Array(lines).fill('Ordered Product')]);
		const { requests } = map('orders/create');
		const a = attrs(requests[0]);
		expect(a.properties.OrderNumber).toBe(order.name);
		expect(a.properties.OrderId).toBe(String(order.id));
		expect(a.value).toBe(Number(order.total_price));
		expect(a.properties.DiscountCodes).toBeUndefined();
		expect(a.properties.Tags).toEqual(['tag1', 'tag2']);
		expect(a.profile.data.attributes.email).toBe(order.email);
		expectValid(requests);
	});

	it('orders/create with test: true and Skip Test Orders → Skipped', () => {
		const { skipped } = map('orders/create', { skipTestOrders: true });
		expect(skipped?.reason).toMatch(/^test order #\S+ skipped/);
	});

	it('orders/fulfilled → Fulfilled Order', () => {
		expect(metrics('orders/fulfilled')).toEqual(['Fulfilled Order']);
		expectValid(map('orders/fulfilled').requests);
	});

	it('orders/cancelled and orders/updated with cancelled_at → Cancelled Order (same unique_id)', () => {
		expect(metrics('orders/cancelled')).toEqual(['Cancelled Order']);
		expect(metrics('orders/updated')).toEqual(['Cancelled Order']);
		expect(attrs(map('orders/cancelled').requests[0]).unique_id).toBe(attrs(map('orders/updated').requests[0]).unique_id);
		expectValid(map('orders/cancelled').requests);
		expectValid(map('orders/updated').requests);
	});
});
