/**
 * Must show 5: the same order mapped from its webhook payload and from its GraphQL form (served by the
 * fake Shopify for our own reconciliation query, then adapted) gives identical Klaviyo requests.
 */
import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { customerConsentToWebhooks, customerToWebhook, legacyId, orderToWebhook } from '../../../nodes/ShopifyAdmin/graphql/adapter';
import { fetchChanges } from '../../../nodes/ShopifyAdmin/graphql/changes';
import type { GraphqlTransport } from '../../../nodes/ShopifyAdmin/graphql/client';
import blueprintOrder from '../../fixtures/shopify/order-blueprint.json';
import presentmentOrder from '../../fixtures/shopify/order-presentment-currency.json';
import blueprintCustomer from '../../fixtures/shopify/customer-blueprint.json';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeShopify } = require('../../fake-shopify/server.js');

const SHOP = 'demo-store.myshopify.com';
type Json = Record<string, unknown>;

/** A webhook order with everything the mapper reads (derived in code from the blueprint fixture). */
function richOrder(): Json {
	const base = JSON.parse(JSON.stringify(blueprintOrder)) as Json;
	const lines = (base.line_items as Json[]).map((l, i) => ({
		...l,
		id: `82098291194615450${i}`, // above 2^53: kept as strings end to end
		title: l.title ?? l.name,
		variant_title: i === 0 ? 'Blue' : undefined,
		vendor: 'Acme',
		product_id: `9007199254740993${i}`,
		variant_id: `4000000000000000${i}`,
	}));
	return {
		...base,
		id: '820982911946154508',
		updated_at: '2026-05-02T12:00:00Z',
		processed_at: '2023-01-01T10:30:00-05:00',
		tags: 'vip, wholesale',
		source_name: 'web',
		total_discounts: '5.00',
		discount_codes: [{ code: 'SPRING', amount: '5.00', type: 'fixed_amount' }],
		fulfillment_status: 'fulfilled',
		cancelled_at: '2026-05-02T11:00:00Z',
		cancel_reason: 'customer',
		customer: { id: '706405506930370084', email: 'customer@example.com', first_name: 'Jane', last_name: 'Doe', phone: '+15551234567' },
		billing_address: { first_name: 'Jane', last_name: 'Doe', address1: '1 Billing Rd', city: 'Anytown', province_code: 'CA', zip: '90210', country: 'United States', country_code: 'US', phone: '+15551234567' },
		line_items: lines,
		fulfillments: [{ id: 1, created_at: '2026-05-01T09:00:00Z', status: 'success', tracking_company: 'UPS', tracking_number: '1Z999', tracking_numbers: ['1Z999'], tracking_url: 'https://ups.example/1Z999', tracking_urls: ['https://ups.example/1Z999'] }],
		refunds: [
			{
				id: '9007199254740995',
				created_at: '2026-05-02T11:30:00Z',
				note: 'damaged',
				refund_line_items: [{ quantity: 1, line_item_id: lines[0].id, line_item: lines[0], subtotal: '49.99', subtotal_set: { shop_money: { amount: '49.99', currency_code: 'USD' } } }],
				transactions: [{ kind: 'refund', status: 'success', amount: '49.99', currency: 'USD' }],
			},
		],
	};
}

describe('GraphQL and webhook shapes map identically', () => {
	let fake: ReturnType<typeof createFakeShopify>;
	let transport: GraphqlTransport;
	beforeAll(async () => {
		fake = createFakeShopify({ shop: SHOP });
		const { url } = await fake.start(0);
		transport = async (body) => {
			const res = await fetch(`${url}/admin/api/2026-10/graphql.json`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_fake_token' },
				body: JSON.stringify(body),
			});
			return { status: res.status, body: await res.json() };
		};
	});
	afterAll(() => fake.stop());

	async function viaGraphql(): Promise<Map<string, Json>> {
		const { deliveries } = await fetchChanges(transport, { resources: ['orders', 'customers'], since: '2020-01-01T00:00:00Z', until: '2030-01-01T00:00:00Z', shop: SHOP, apiVersion: '2026-10' }, { sleep: async () => undefined });
		return new Map(deliveries.map((d) => [`${d.topic} ${String(d.payload.id ?? d.payload.customer_id)}`, d.payload]));
	}
	const requests = (topic: string, payload: Json) => mapDelivery({ topic, payload, shop: SHOP, idempotencyKey: 'k' }).requests;

	test.each([
		['a rich order (ids above 2^53, refunds, fulfillment, cancellation, discounts, tags)', richOrder],
		['the presentment-currency fixture', (): Json => ({ ...(presentmentOrder as Json), updated_at: '2026-05-02T12:00:00Z', line_items: (presentmentOrder.line_items as Json[]).map((l) => ({ ...l })) })],
	])('%s: orders/create, orders/updated and orders/cancelled give the same Klaviyo requests', async (_name, make) => {
		const order: Json = make();
		fake.orders.clear();
		fake.customers.clear();
		fake.addOrder(order);
		const adapted = await viaGraphql();
		const fromGraphql = adapted.get(`orders/create ${String(order.id)}`)!;
		expect(fromGraphql).toBeDefined();
		for (const topic of ['orders/create', 'orders/updated', 'orders/cancelled']) {
			const live = requests(topic, order);
			const reconciled = requests(topic, fromGraphql);
			expect(reconciled).toEqual(live);
		}
		// something substantial was compared: Placed Order + one Ordered Product per line
		expect(requests('orders/create', order).length).toBe((order.line_items as unknown[]).length + 1);
	});

	test('the rich order keeps its 18-digit ids as strings and yields Fulfilled, Cancelled and Refunded events', async () => {
		fake.orders.clear();
		fake.addOrder(richOrder());
		const adapted = await viaGraphql();
		const payload = adapted.get('orders/updated 820982911946154508')!;
		expect(payload.id).toBe('820982911946154508');
		const metrics = requests('orders/updated', payload).map((r) => ((r.body as Json).data as Json).attributes as Json).map((a) => (((a.metric as Json).data as Json).attributes as Json).name);
		expect(metrics).toEqual(['Fulfilled Order', 'Cancelled Order', 'Refunded Order']);
		const ordered = requests('orders/create', payload).map((r) => (((r.body as Json).data as Json).attributes as Json).unique_id);
		expect(ordered).toContain('shopify:order:820982911946154508:line:820982911946154500');
	});

	test('customer profile and consent: same requests from customers/update + consent webhooks and from GraphQL', async () => {
		fake.orders.clear();
		fake.customers.clear();
		const customer: Json = { ...(blueprintCustomer as Json), id: '706405506930370084', updated_at: '2026-05-01T08:00:00Z', tags: 'vip' };
		const emailConsent = { state: 'subscribed', opt_in_level: 'confirmed_opt_in', consent_updated_at: '2026-04-01T09:15:00Z' };
		const smsConsent = { state: 'unsubscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-04-02T10:00:00Z' };
		fake.addCustomer(customer, { email: emailConsent, sms: smsConsent });
		const adapted = await viaGraphql();
		// customers/update: identical profile request
		expect(requests('customers/update', adapted.get('customers/update 706405506930370084')!)).toEqual(requests('customers/update', customer));
		// consent webhooks as Shopify sends them
		const emailHook = { customer_id: '706405506930370084', email_address: customer.email, email_marketing_consent: emailConsent };
		const smsHook = { id: '706405506930370084', phone: customer.phone, sms_marketing_consent: smsConsent };
		expect(requests('customers_email_marketing_consent/update', adapted.get('customers_email_marketing_consent/update 706405506930370084')!)).toEqual(
			requests('customers_email_marketing_consent/update', emailHook),
		);
		expect(requests('customers_marketing_consent/update', adapted.get('customers_marketing_consent/update 706405506930370084')!)).toEqual(
			requests('customers_marketing_consent/update', smsHook),
		);
		expect(requests('customers_marketing_consent/update', smsHook)[0].operation).toBe('subscription.unsubscribe');
	});

	test('adapter details: gid → legacy id, no consent without an update time', () => {
		expect(legacyId('gid://shopify/Order/820982911946154508')).toBe('820982911946154508');
		expect(legacyId('820982911946154508')).toBe('820982911946154508');
		expect(legacyId('gid://shopify/Order/abc')).toBeUndefined();
		expect(customerConsentToWebhooks({ id: 'gid://shopify/Customer/1', defaultEmailAddress: { emailAddress: 'a@b.co', marketingState: 'SUBSCRIBED', marketingUpdatedAt: null } })).toEqual([]);
		expect(customerToWebhook({ id: 'gid://shopify/Customer/1', tags: ['a', 'b'] })).toEqual({ id: '1', admin_graphql_api_id: 'gid://shopify/Customer/1', tags: 'a, b' });
		expect(orderToWebhook({ id: 'gid://shopify/Order/5', displayFulfillmentStatus: 'UNFULFILLED', lineItems: { nodes: [] } })).toMatchObject({ id: '5', fulfillment_status: null, line_items: [] });
	});
});
