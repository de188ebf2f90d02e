import { objectState } from '../../../nodes/shared/objectState';
import { fixture } from '../ShopifyToKlaviyo/helpers';

// (its copy inside the shipped workflow's replay Code node is tested in test/unit/workflows/dead-letter-code.test.js)
describe('objectState: which Shopify object a delivery describes and how new it is', () => {
	it('customers: customer:<id> at updated_at, ids above 2^53 kept as strings, time zones normalised', () => {
		expect(objectState('customers/update', { id: '820982911946154508', updated_at: '2024-02-01T09:15:00-05:00' })).toEqual({
			objectKey: 'customer:820982911946154508',
			updatedAtMs: Date.parse('2024-02-01T14:15:00Z'),
			updatedAt: '2024-02-01T14:15:00.000Z',
		});
		// the same instant written in two zones is the same state
		expect(objectState('customers/create', { id: 1, updated_at: '2024-02-01T14:15:00Z' })?.updatedAtMs).toBe(
			objectState('customers/update', { id: 1, updated_at: '2024-02-01T09:15:00-05:00' })?.updatedAtMs,
		);
	});

	it('consent topics: one object per channel, at consent_updated_at (Shopify fixtures)', () => {
		// the trigger keeps ids above 2^53 as strings; JSON.parse here would round them
		const email = { ...fixture('consent-email-subscribed.json'), customer_id: '706405506930370084' };
		const sms = { ...fixture('consent-sms-subscribed.json'), id: '706405506930370084' };
		expect(objectState('customers_email_marketing_consent/update', email)).toEqual({
			objectKey: 'email-consent:706405506930370084',
			updatedAtMs: Date.parse('2024-02-01T14:15:00Z'),
			updatedAt: '2024-02-01T14:15:00.000Z',
		});
		expect(objectState('customers_marketing_consent/update', sms)?.objectKey).toBe('sms-consent:706405506930370084');
	});

	it('orders: order:<id> at updated_at, for every orders/* topic', () => {
		for (const topic of ['orders/create', 'orders/updated', 'orders/cancelled', 'orders/fulfilled']) {
			expect(objectState(topic, { id: 5, updated_at: '2023-01-02T10:00:00-05:00' })?.objectKey).toBe('order:5');
		}
	});

	it('no state: topics without one, a missing or unparsable time, a missing id, a non-object payload', () => {
		expect(objectState('checkouts/create', { id: 1, updated_at: '2024-01-01T00:00:00Z' })).toBeUndefined();
		expect(objectState('customers/redact', { customer: { id: 1 } })).toBeUndefined();
		expect(objectState('customers/update', { id: 1 })).toBeUndefined();
		expect(objectState('customers/update', { id: 1, updated_at: 'yesterday' })).toBeUndefined();
		expect(objectState('customers/update', { updated_at: '2024-01-01T00:00:00Z' })).toBeUndefined();
		expect(objectState('customers/update', { id: 'abc', updated_at: '2024-01-01T00:00:00Z' })).toBeUndefined();
		expect(objectState('orders/create', null)).toBeUndefined();
		expect(objectState(undefined, { id: 1, updated_at: '2024-01-01T00:00:00Z' })).toBeUndefined();
	});
});
