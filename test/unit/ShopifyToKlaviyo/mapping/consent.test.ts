/** Marketing consent topics → subscription jobs (mapping/consent.ts). */
import { mapDelivery } from '../../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, example, expectValid, fixture, newestApiVersion } from '../helpers';

const VERSION = newestApiVersion();
const map = (topic: string, options = {}) => mapDelivery(delivery(topic, example(VERSION, topic)), options);

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
		// the fixture's +1 555 123 4567 is E.164-shaped but no real number: Klaviyo rejects exactly that field
		expectValid(requests, { klaviyoRejects: ['phone_number'] });
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
		expectValid(requests, { klaviyoRejects: ['phone_number'] });
		expect(attrs(requests[0]).profiles.data[0].attributes.subscriptions).toEqual({ sms: { marketing: { consent: 'UNSUBSCRIBED' } } });
	});

	it('SMS consent with an ambiguous phone → Skipped', () => {
		const payload = { ...fixture('consent-sms-subscribed.json'), phone: '555-0100' };
		expect(mapDelivery(delivery('customers_marketing_consent/update', payload)).skipped?.reason).toMatch(/no valid E.164 phone/);
	});
});

describe(`Shopify example payloads, API ${VERSION}`, () => {
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
});
