import { mapDelivery, resolveOptions } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, expectValid } from './helpers';

/** Branches of the mapping rules that only mutation testing showed untested (test/MUTATION.md). */
describe('consent: identifiers, states and options, exactly', () => {
	const email = (extra: Record<string, unknown>) => delivery('customers_email_marketing_consent/update', { customer_id: 42, email_address: 'a@example.com', ...extra });
	const sms = (extra: Record<string, unknown>) => delivery('customers_marketing_consent/update', { customer_id: 42, phone: '+14155552671', ...extra });

	it('subscribed without consent_updated_at: no consented_at and no historical_import; state in upper case still counts', () => {
		const { requests } = mapDelivery(email({ email_marketing_consent: { state: 'SUBSCRIBED' } }));
		expectValid(requests);
		expect(requests[0].body).toEqual({
			data: {
				type: 'profile-subscription-bulk-create-job',
				attributes: {
					custom_source: 'Shopify',
					profiles: { data: [{ type: 'profile', attributes: { email: 'a@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } } }] },
				},
			},
		});
		expect(requests[0].summary).toBe('Subscribe Shopify customer 42 to email marketing');
	});

	it('SMS subscribed with consent time and list: consented_at in UTC, historical_import, the list relationship', () => {
		const { requests } = mapDelivery(sms({ sms_marketing_consent: { state: 'subscribed', consent_updated_at: '2024-02-01T09:15:00-05:00' } }), { smsListId: ' Sms1 ' });
		expectValid(requests);
		expect(requests[0].body).toEqual({
			data: {
				type: 'profile-subscription-bulk-create-job',
				attributes: {
					custom_source: 'Shopify',
					profiles: {
						data: [{ type: 'profile', attributes: { phone_number: '+14155552671', subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED', consented_at: '2024-02-01T14:15:00Z' } } } } }],
					},
					historical_import: true,
				},
				relationships: { list: { data: { type: 'list', id: 'Sms1' } } },
			},
		});
		expect(requests[0].summary).toBe('Subscribe Shopify customer 42 to SMS marketing');
	});

	it('unsubscribe carries the list too; the email comes from email_address, else email', () => {
		const { requests } = mapDelivery(email({ email_address: undefined, email: 'b@example.com', email_marketing_consent: { state: 'unsubscribed' } }), { emailListId: 'L1' });
		expectValid(requests);
		expect(requests[0].body).toEqual({
			data: {
				type: 'profile-subscription-bulk-delete-job',
				attributes: { profiles: { data: [{ type: 'profile', attributes: { email: 'b@example.com', subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } } }] } },
				relationships: { list: { data: { type: 'list', id: 'L1' } } },
			},
		});
		expect(requests[0].summary).toBe('Unsubscribe Shopify customer 42 from email marketing');
		// a blank list id is no list
		expect(mapDelivery(email({ email_marketing_consent: { state: 'unsubscribed' } }), { emailListId: '  ' }).requests[0].body).not.toHaveProperty('data.relationships');
	});

	it('skip reasons name the customer (customer_id, else id, else unknown) and the channel', () => {
		expect(mapDelivery(email({ customer_id: undefined, id: 7, email_address: 'nope' })).skipped?.reason).toBe('email consent update for customer 7 has no email address');
		expect(mapDelivery(email({ customer_id: undefined, email_address: null })).skipped?.reason).toBe('email consent update for customer (unknown) has no email address');
		expect(mapDelivery(sms({ phone: undefined })).skipped?.reason).toBe('SMS consent update for customer 42 has no phone number');
		expect(mapDelivery(sms({ phone: '' })).skipped?.reason).toBe('SMS consent update for customer 42 has no phone number');
		expect(mapDelivery(sms({ phone: 'call me' })).skipped?.reason).toBe('SMS consent update for customer 42 has no valid E.164 phone number');
		expect(mapDelivery(sms({ phone: undefined, phone_number: '+442079460958', sms_marketing_consent: { state: 'pending' } })).skipped?.reason).toBe(
			'SMS consent of customer 42 is pending (double opt-in not confirmed yet); nothing sent until Shopify reports subscribed',
		);
		expect(mapDelivery(sms({ sms_marketing_consent: { state: 'invalid' } })).skipped?.reason).toBe(
			'SMS consent of customer 42 is invalid (Shopify marks it undeliverable); not an unsubscribe, nothing sent',
		);
		expect(mapDelivery(sms({ sms_marketing_consent: { state: 'redacted' } })).skipped?.reason).toBe(
			'SMS consent state redacted of customer 42 is not mapped (only subscribed, unsubscribed, not_subscribed, invalid and pending are)',
		);
		expect(mapDelivery(email({ email_marketing_consent: null })).skipped?.reason).toBe(
			'email consent state null of customer 42 is not mapped (only subscribed, unsubscribed, not_subscribed, invalid and pending are)',
		);
	});
});

describe('options', () => {
	it('metric names are trimmed; blank or missing ones keep the default', () => {
		const o = resolveOptions({ metricNames: { placedOrder: '  Order Placed ', orderedProduct: '   ', fulfilledOrder: undefined } });
		expect(o.metricNames).toEqual({
			placedOrder: 'Order Placed',
			orderedProduct: 'Ordered Product',
			fulfilledOrder: 'Fulfilled Order',
			cancelledOrder: 'Cancelled Order',
			refundedOrder: 'Refunded Order',
			checkoutStarted: 'Checkout Started',
		});
	});

	it('bulk threshold: a whole number ≥ 0 (floored), else the default 50', () => {
		expect(resolveOptions({ bulkOrderedProductAbove: 7.9 }).bulkOrderedProductAbove).toBe(7);
		expect(resolveOptions({ bulkOrderedProductAbove: 0 }).bulkOrderedProductAbove).toBe(0);
		expect(resolveOptions({ bulkOrderedProductAbove: -1 }).bulkOrderedProductAbove).toBe(50);
		expect(resolveOptions({}).bulkOrderedProductAbove).toBe(50);
	});

	it('defaults, and every option passed through', () => {
		expect(resolveOptions({})).toMatchObject({ lineItemEvents: true, includeLocation: true, skipTestOrders: false, unsubscribeNotSubscribed: false, emailListId: undefined, smsListId: undefined });
		expect(
			resolveOptions({ lineItemEvents: false, includeLocation: false, skipTestOrders: true, unsubscribeNotSubscribed: true, emailListId: ' E ', smsListId: 'S', extraEventProperties: { a: 1 }, extraProfileProperties: { b: 2 } }),
		).toMatchObject({ lineItemEvents: false, includeLocation: false, skipTestOrders: true, unsubscribeNotSubscribed: true, emailListId: 'E', smsListId: 'S', extraEventProperties: { a: 1 }, extraProfileProperties: { b: 2 } });
	});
});

describe('checkouts', () => {
	it('currency from total_price_set when the checkout has none; recovery_url when there is no abandoned_checkout_url', () => {
		const checkout = {
			token: 'chk-1',
			email: 'c@example.com',
			total_price: '12.345',
			total_price_set: { shop_money: { amount: '12.345', currency_code: 'KWD' } },
			recovery_url: 'https://shop.example/recover/chk-1',
			created_at: '2026-01-01T00:00:00Z',
			line_items: [{ key: 'k1', title: 'Dates', price: '12.345', quantity: 1 }],
		};
		const { requests } = mapDelivery(delivery('checkouts/create', checkout));
		expectValid(requests);
		expect(requests[0].summary).toBe('Checkout Started (checkout chk-1)');
		expect(attrs(requests[0])).toMatchObject({
			value: 12.345,
			value_currency: 'KWD',
			unique_id: 'shopify:checkout:chk-1:started',
			properties: { CheckoutId: 'chk-1', CheckoutURL: 'https://shop.example/recover/chk-1', Value: 12.345, Currency: 'KWD', ItemNames: ['Dates'], ItemCount: 1 },
		});
	});

	it('no token → skipped; no contact yet → skipped with the token', () => {
		expect(mapDelivery(delivery('checkouts/update', { email: 'c@example.com', total_price: '1.00' })).skipped?.reason).toBe('checkout has no token, so it cannot be recorded once');
		expect(mapDelivery(delivery('checkouts/update', { token: 'chk-2', total_price: '1.00' })).skipped?.reason).toBe('checkout chk-2 has no email, phone or customer id yet');
	});
});

describe('customers', () => {
	it('an invalid email is dropped with a note, the profile keyed by the phone', () => {
		const { requests } = mapDelivery(delivery('customers/update', { id: 9, email: 'not-an-email', phone: '+14155552671' }));
		expectValid(requests);
		expect(requests[0].notes).toEqual(['email is not a valid email address; dropped']);
		expect((requests[0].body as { data: { attributes: Record<string, unknown> } }).data.attributes).toMatchObject({ phone_number: '+14155552671' });
		expect((requests[0].body as { data: { attributes: Record<string, unknown> } }).data.attributes).not.toHaveProperty('email');
		expect(mapDelivery(delivery('customers/update', { id: 9, email: '', phone: '+14155552671' })).requests[0].notes).toBeUndefined();
	});
});

describe('money limits and the delivery key', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const money = require('../../../nodes/ShopifyToKlaviyo/mapping/money') as typeof import('../../../nodes/ShopifyToKlaviyo/mapping/money');

	it('amounts beyond the safe integer range fail clearly instead of rounding', () => {
		expect(() => money.toMinor('90071992547409.93', 2, 'orders/create', 'total_price')).toThrow('orders/create payload: total_price is too large');
		expect(money.toMinor('90071992547409.91', 2, 't', 'f')).toBe(9007199254740991);
		expect(() => money.sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow('money total exceeds the safe integer range');
		expect(money.sumMinor([Number.MAX_SAFE_INTEGER - 1, 1])).toBe(Number.MAX_SAFE_INTEGER);
		expect(() => money.timesQuantity(Number.MAX_SAFE_INTEGER, 2)).toThrow('money total exceeds the safe integer range');
		expect(money.timesQuantity(3, 4)).toBe(12);
		expect(money.toMinorOptional(null, 2, 't', 'f')).toBeUndefined();
		expect(money.toMinorOptional('', 2, 't', 'f')).toBeUndefined();
		expect(money.toMinorOptional(undefined, 2, 't', 'f')).toBeUndefined();
		expect(money.toMinorOptional('0.5', 2, 't', 'f')).toBe(50);
		expect(money.toMinor(' -0.00 ', 2, 't', 'f')).toBe(0);
		expect(money.toMinor('+1.5', 2, 't', 'f')).toBe(150);
		expect(money.toMinor('1.004', 2, 't', 'f')).toBe(100);
		expect(money.toMinor('2.', 2, 't', 'f')).toBe(200);
		expect(money.currencyDecimals('jpy')).toBe(0);
		expect(money.currencyDecimals('bhd')).toBe(3);
		expect(money.currencyDecimals(undefined)).toBe(2);
		expect(money.amount('1.239', 2, 't', 'f')).toBe(1.24);
	});

	it('idempotency key without one: shop, topic and event id, else webhook id, else placeholders', () => {
		const order = { id: 1, email: 'a@example.com', total_price: '1.00', line_items: [] };
		const key = (d: Record<string, unknown>) => mapDelivery({ topic: 'orders/create', payload: order, ...d }).requests[0].idempotencyKey;
		expect(key({ shop: 's.myshopify.com', eventId: 'e', webhookId: 'w' })).toBe('s.myshopify.com:orders/create:e');
		expect(key({ shop: 's.myshopify.com', webhookId: 'w' })).toBe('s.myshopify.com:orders/create:w');
		expect(key({ idempotencyKey: 'given' })).toBe('given');
		expect(mapDelivery({ topic: ' Orders/Create ', payload: order }).requests[0].topic).toBe('orders/create');
		expect(mapDelivery({ topic: '', payload: order }).skipped?.reason).toBe(
			'topic "(none)" is not mapped to Klaviyo (supported: checkouts/create, checkouts/update, customers/create, customers_email_marketing_consent/update, customers_marketing_consent/update, customers/redact, customers/update, orders/cancelled, orders/create, orders/fulfilled, orders/updated, refunds/create)',
		);
		expect(mapDelivery({ topic: 'orders/paid', payload: order }).skipped?.reason).toBe('orders/paid is not mapped to Klaviyo: the Placed Order event is sent from orders/create');
		expect(() => mapDelivery({ topic: 'orders/create', payload: [] as unknown as Record<string, unknown> })).toThrow('orders/create payload: (body) is not a JSON object');
	});
});

describe('phone normalisation edges', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { normalizePhone, firstValidPhone } = require('../../../nodes/ShopifyToKlaviyo/mapping/identity') as typeof import('../../../nodes/ShopifyToKlaviyo/mapping/identity');

	it('numbers, blanks, country case, NANP shapes and the E.164 length bounds', () => {
		expect(normalizePhone(4155552671, 'us')).toBe('+14155552671');
		expect(normalizePhone('   ')).toBeUndefined();
		expect(normalizePhone({})).toBeUndefined();
		expect(normalizePhone('1155552671', 'US')).toBeUndefined(); // 10 digits must start 2-9
		expect(normalizePhone('11155552671', 'US')).toBeUndefined(); // 11 digits: 1 then 2-9
		expect(normalizePhone('14155552671', 'PR')).toBe('+14155552671');
		expect(normalizePhone('415555267', 'US')).toBeUndefined();
		expect(normalizePhone('+1234567')).toBeUndefined(); // 7 digits: too short
		expect(normalizePhone('+12345678')).toBe('+12345678');
		expect(normalizePhone('+123456789012345')).toBe('+123456789012345');
		expect(normalizePhone('+1234567890123456')).toBeUndefined(); // 16 digits: too long
		expect(normalizePhone('00 1 415 555 2671')).toBe('+14155552671');
		expect(normalizePhone('+1 415/555.2671')).toBe('+14155552671');
	});

	it('firstValidPhone: skips empty candidates silently, notes each invalid one, stops at the first valid', () => {
		const notes: string[] = [];
		expect(
			firstValidPhone(
				[
					{ field: 'phone', value: null },
					{ field: 'customer.phone', value: '' },
					{ field: 'billing_address.phone', value: 'call me' },
					{ field: 'shipping_address.phone', value: '+442079460958' },
					{ field: 'later', value: 'also bad' },
				],
				notes,
			),
		).toBe('+442079460958');
		expect(notes).toEqual(['billing_address.phone is not a valid E.164 phone number; dropped']);
	});
});
