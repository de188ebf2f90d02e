/** refunds/create → Refunded Order (mapping/refund.ts). */
import { mapDelivery } from '../../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, example, expectValid, newestApiVersion } from '../helpers';

const VERSION = newestApiVersion();
const map = (topic: string, options = {}) => mapDelivery(delivery(topic, example(VERSION, topic)), options);

describe(`Shopify example payloads, API ${VERSION}`, () => {
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
});
