/** customers/redact → deletion jobs (mapping/privacy.ts). */
import { mapDelivery } from '../../../../nodes/ShopifyToKlaviyo/mapping';
import type { KlaviyoRequestItem } from '../../../../nodes/shared/contract';
import { attrs, delivery, example, expectValid, newestApiVersion } from '../helpers';

const VERSION = newestApiVersion();
const map = (topic: string, options = {}) => mapDelivery(delivery(topic, example(VERSION, topic)), options);

describe('customers/redact', () => {
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
});

describe(`Shopify example payloads, API ${VERSION}`, () => {
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
});
