import { mapDelivery, MappingError } from '../../../nodes/ShopifyToKlaviyo/mapping';
import type { KlaviyoRequestItem } from '../../../nodes/shared/contract';
import { attrs, delivery, expectValid, fixture } from './helpers';

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
		// single events up to the Bulk Ordered Product threshold (big-order.test.ts covers the bulk path)
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

describe('checkouts', () => {
	it('a checkout without email, phone or customer → Skipped', () => {
		const { skipped } = mapDelivery(delivery('checkouts/create', fixture('checkout-guest-no-contact.json')));
		expect(skipped?.reason).toBe('checkout chk-abc-123 has no email, phone or customer id yet');
	});

	it('the first update with an email sends Checkout Started (JPY, unicode)', () => {
		const checkout = { ...fixture('checkout-guest-no-contact.json'), email: 'buyer@example.jp' };
		const { requests } = mapDelivery(delivery('checkouts/update', checkout));
		expectValid(requests);
		const a = attrs(requests[0]);
		expect(a.unique_id).toBe('shopify:checkout:chk-abc-123:started');
		expect(a.value).toBe(1500);
		expect(a.value_currency).toBe('JPY');
		expect(a.properties).toMatchObject({ CheckoutURL: 'https://shop.example/checkouts/chk-abc-123/recover?key=x', ItemNames: ['抹茶'], ItemCount: 3 });
		expect(a.time).toBe('2024-05-05T01:00:00Z');
	});

	it('a checkout without a token → Skipped', () => {
		const { skipped } = mapDelivery(delivery('checkouts/update', { email: 'a@b.co', total_price: '1.00' }));
		expect(skipped?.reason).toMatch(/no token/);
	});
});

describe('customers', () => {
	it('pre-2025-01 payload without email: phone from national number + country, tags, no consent derived', () => {
		const { requests } = mapDelivery(delivery('customers/update', fixture('customer-pre-2025-01.json')));
		expectValid(requests);
		expect(requests).toHaveLength(1);
		const a = attrs(requests[0]);
		expect(a.email).toBeUndefined();
		expect(a.phone_number).toBe('+16135550100');
		expect(a.external_id).toBeUndefined();
		expect(a.properties.Tags).toEqual(['vip', 'wholesale']);
		expect(a.location).toEqual({ address1: "151 O'Connor Street", city: 'Ottawa', region: 'ON', zip: 'K2P 2L8', country: 'Canada' });
	});

	it('customer with neither email nor valid phone → external_id; includeLocation off drops the address', () => {
		const customer = { id: '9007199254740993', email: null, phone: null, first_name: null, default_address: { city: 'X' } };
		const { requests } = mapDelivery(delivery('customers/create', customer), { includeLocation: false });
		expectValid(requests);
		expect(attrs(requests[0])).toEqual({ external_id: '9007199254740993', properties: { 'Shopify ID': '9007199254740993' } });
	});

	it('extra profile properties are merged', () => {
		const { requests } = mapDelivery(delivery('customers/create', fixture('customer-blueprint.json')), { extraProfileProperties: { Source: 'Shopify', Empty: null } });
		expect(attrs(requests[0]).properties.Source).toBe('Shopify');
		expect('Empty' in attrs(requests[0]).properties).toBe(false);
	});
});

describe('consent', () => {
	it('email subscribed → subscribe job with consented_at (historical import) and the list when set', () => {
		const { requests } = mapDelivery(delivery('customers_email_marketing_consent/update', fixture('consent-email-subscribed.json')), { emailListId: 'AbC123' });
		expectValid(requests);
		expect(requests[0].operation).toBe('subscription.subscribe');
		expect(requests[0].body).toEqual({
			data: {
				type: 'profile-subscription-bulk-create-job',
				attributes: {
					custom_source: 'Shopify',
					profiles: {
						data: [{ type: 'profile', attributes: { email: 'bob@biller.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED', consented_at: '2024-02-01T14:15:00Z' } } } } }],
					},
					historical_import: true,
				},
				relationships: { list: { data: { type: 'list', id: 'AbC123' } } },
			},
		});
	});

	it('without a list id there is no list relationship', () => {
		const { requests } = mapDelivery(delivery('customers_email_marketing_consent/update', fixture('consent-email-subscribed.json')));
		expect((requests[0].body as { data: object }).data).not.toHaveProperty('relationships');
	});

	it('SMS subscribed → subscribe with the phone in E.164', () => {
		const { requests } = mapDelivery(delivery('customers_marketing_consent/update', fixture('consent-sms-subscribed.json')), { smsListId: 'Sms1' });
		expectValid(requests);
		const profile = attrs(requests[0]).profiles.data[0].attributes;
		expect(profile.phone_number).toBe('+15551234567');
		expect(profile.subscriptions.sms.marketing.consent).toBe('SUBSCRIBED');
	});

	it('email unsubscribed → subscription.unsubscribe (the only state that unsubscribes by default)', () => {
		const payload = { ...fixture('consent-email-subscribed.json'), email_marketing_consent: { state: 'unsubscribed', opt_in_level: null, consent_updated_at: null } };
		const { requests } = mapDelivery(delivery('customers_email_marketing_consent/update', payload));
		expectValid(requests);
		expect(requests[0].operation).toBe('subscription.unsubscribe');
		expect(attrs(requests[0]).profiles.data[0].attributes.subscriptions).toEqual({ email: { marketing: { consent: 'UNSUBSCRIBED' } } });
	});

	it.each([
		['not_subscribed', /not_subscribed and "Unsubscribe Not Subscribed" is off/],
		['invalid', /invalid .*not an unsubscribe/],
		['redacted', /redacted/],
		['pending', /pending \(double opt-in/],
		[null, /state null .*not mapped/],
	])('email %s → Skipped by default: a never-subscribed or undeliverable customer is not unsubscribed', (state, reason) => {
		const payload = { ...fixture('consent-email-subscribed.json'), email_marketing_consent: { state, opt_in_level: null, consent_updated_at: null } };
		const result = mapDelivery(delivery('customers_email_marketing_consent/update', payload));
		expect(result.requests).toEqual([]);
		expect(result.skipped?.reason).toMatch(reason);
	});

	it('SMS not_subscribed and invalid → Skipped by default', () => {
		for (const state of ['not_subscribed', 'invalid']) {
			const payload = { ...fixture('consent-sms-subscribed.json'), sms_marketing_consent: { state } };
			expect(mapDelivery(delivery('customers_marketing_consent/update', payload)).requests).toEqual([]);
		}
	});

	it('not_subscribed unsubscribes only when "Unsubscribe Not Subscribed" is switched on', () => {
		const payload = { ...fixture('consent-email-subscribed.json'), email_marketing_consent: { state: 'not_subscribed' } };
		const { requests } = mapDelivery(delivery('customers_email_marketing_consent/update', payload), { unsubscribeNotSubscribed: true });
		expectValid(requests);
		expect(requests[0].operation).toBe('subscription.unsubscribe');
	});

	it('SMS unsubscribed → unsubscribe SMS marketing', () => {
		const payload = { ...fixture('consent-sms-subscribed.json'), sms_marketing_consent: { state: 'unsubscribed' } };
		const { requests } = mapDelivery(delivery('customers_marketing_consent/update', payload));
		expectValid(requests);
		expect(attrs(requests[0]).profiles.data[0].attributes.subscriptions).toEqual({ sms: { marketing: { consent: 'UNSUBSCRIBED' } } });
	});


	it('SMS consent with an ambiguous phone → Skipped', () => {
		const payload = { ...fixture('consent-sms-subscribed.json'), phone: '555-0100' };
		expect(mapDelivery(delivery('customers_marketing_consent/update', payload)).skipped?.reason).toMatch(/no valid E.164 phone/);
	});
});

describe('privacy and dispatch', () => {
	const deletionOf = (r: KlaviyoRequestItem) => [r.operation, attrs(r).profile.data.attributes];

	it('customers/redact requests deletion once per identifier: email, phone and external_id (the Shopify customer id)', () => {
		const { requests, skipped } = mapDelivery(
			delivery('customers/redact', { shop_id: 1, customer: { id: 5, email: 'ann@example.com', phone: '+44 20 7946 0958' }, orders_to_redact: [] }),
		);
		expect(skipped).toBeUndefined();
		expect(requests.map(deletionOf)).toEqual([
			['dataPrivacy.deleteProfile', { email: 'ann@example.com' }],
			['dataPrivacy.deleteProfile', { phone_number: '+442079460958' }],
			['dataPrivacy.deleteProfileByExternalId', { external_id: '5' }],
		]);
		expect(requests.map((r) => r.summary)).toEqual([
			'Delete Klaviyo profile of Shopify customer 5 by email (customers/redact)',
			'Delete Klaviyo profile of Shopify customer 5 by phone (customers/redact)',
			'Delete Klaviyo profile of Shopify customer 5 by external_id (customers/redact)',
		]);
		expectValid(requests);
		for (const r of requests) expect(r.summary).not.toMatch(/ann@|7946/);
	});

	it('customers/redact by phone and external_id when there is no email; by external_id alone for an id-only customer', () => {
		const byPhone = mapDelivery(delivery('customers/redact', { shop_id: 1, customer: { id: 5, email: null, phone: '+44 20 7946 0958' }, orders_to_redact: [] }));
		expectValid(byPhone.requests);
		expect(byPhone.requests.map(deletionOf)).toEqual([
			['dataPrivacy.deleteProfile', { phone_number: '+442079460958' }],
			['dataPrivacy.deleteProfileByExternalId', { external_id: '5' }],
		]);
		const idOnly = mapDelivery(delivery('customers/redact', { shop_id: 1, customer: { id: '9007199254740993' } }));
		expect(idOnly.requests.map(deletionOf)).toEqual([['dataPrivacy.deleteProfileByExternalId', { external_id: '9007199254740993' }]]);
	});

	it('customers/redact with an invalid phone notes it and still deletes by the other identifiers; nothing at all → Skipped', () => {
		const { requests } = mapDelivery(delivery('customers/redact', { customer: { id: 5, email: 'ann@example.com', phone: '555-SHIP' } }));
		expect(requests.map((r) => r.operation)).toEqual(['dataPrivacy.deleteProfile', 'dataPrivacy.deleteProfileByExternalId']);
		expect(requests[0].notes).toEqual(['customer.phone is not a valid E.164 phone number; dropped']);
		const none = mapDelivery(delivery('customers/redact', { shop_id: 1, customer: {} }));
		expect(none.skipped?.reason).toMatch(/no email, valid phone or customer id/);
	});

	it('unknown topics → Skipped; non-object payloads → MappingError', () => {
		expect(mapDelivery(delivery('products/update', {})).skipped?.reason).toMatch(/is not mapped/);
		expect(() => mapDelivery({ topic: 'orders/create', payload: 'x' as unknown as Record<string, unknown> })).toThrow('orders/create payload: (body) is not a JSON object');
	});

	it('extra event properties and metric names are applied to every event', () => {
		const { requests } = mapDelivery(delivery('orders/create', blueprint()), {
			extraEventProperties: { 'Sales Channel': 'web' },
			extraProfileProperties: { Store: 'EU' },
			metricNames: { placedOrder: 'Shopify Placed Order', orderedProduct: ' ' },
		});
		expectValid(requests);
		expect(attrs(requests[0]).metric.data.attributes.name).toBe('Shopify Placed Order');
		expect(attrs(requests[1]).metric.data.attributes.name).toBe('Ordered Product');
		for (const r of requests) {
			expect(attrs(r).properties['Sales Channel']).toBe('web');
			expect(attrs(r).profile.data.attributes.properties).toEqual({ Store: 'EU' });
		}
	});

	it('the validator rejects a malformed body (sanity check of the test helper)', () => {
		const { requests } = mapDelivery(delivery('orders/create', blueprint()));
		const broken = { ...requests[0], body: { data: { type: 'event', attributes: { properties: {} } } } };
		expect(() => expectValid([broken])).toThrow(/body invalid/);
	});
});
