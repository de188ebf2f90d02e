/** checkouts/* → Checkout Started (mapping/checkout.ts). */
import { mapDelivery } from '../../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, example, expectValid, fixture, newestApiVersion } from '../helpers';

const VERSION = newestApiVersion();
const map = (topic: string, options = {}) => mapDelivery(delivery(topic, example(VERSION, topic)), options);

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

describe(`Shopify example payloads, API ${VERSION}`, () => {
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
