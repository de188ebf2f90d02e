/* eslint-disable @typescript-eslint/no-explicit-any -- strict.js is plain JavaScript */
/**
 * The strict validator of Klaviyo bodies (test/fake-klaviyo/strict.js), shared by the unit tests and
 * the fake: the rules beyond the OpenAPI schema, each shown to reject what Klaviyo rejects.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const strict = require('../../fake-klaviyo/strict') as any;

const profile = (attributes: Record<string, unknown>, id?: string) => ({ type: 'profile', ...(id ? { id } : {}), attributes });
const subscribe = (attributes: Record<string, unknown>) => ({
	data: { type: 'profile-subscription-bulk-create-job', attributes: { profiles: { data: [profile(attributes)] } } },
});
const deletion = (data: Record<string, unknown>) => ({ data: { type: 'data-privacy-deletion-job', attributes: { profile: { data } } } });

describe('strict Klaviyo body validator', () => {
	it('accepts a valid event and names the schema of each endpoint', () => {
		const event = {
			data: {
				type: 'event',
				attributes: {
					properties: { OrderId: '1' },
					metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
					profile: { data: profile({ email: 'ada@example.com', phone_number: '+442079460958' }) },
				},
			},
		};
		expect(strict.validateRequest('POST', '/api/events', event)).toEqual([]);
		expect(strict.validateRequest('POST', '/api/events/', event)).toEqual([]);
		expect(strict.schemaOf('PATCH', '/api/profiles/01ABC')).toBe('ProfilePartialUpdateQuery');
		expect(strict.validateRequest('GET', '/api/profiles', undefined)).toEqual([]);
	});

	it('subscriptions: an identifier, and the one of the channel that changes', () => {
		expect(strict.validate('SubscriptionCreateJobCreateQuery', subscribe({ email: 'a@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }))).toEqual([]);
		expect(strict.validate('SubscriptionCreateJobCreateQuery', subscribe({ phone_number: '+14155552671', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }))).toEqual([
			"/data/attributes/profiles/data/0/attributes/email: An email subscription needs the profile's `email`.",
		]);
		expect(strict.validate('SubscriptionCreateJobCreateQuery', subscribe({ email: 'a@example.com', subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED' } } } }))).toEqual([
			"/data/attributes/profiles/data/0/attributes/phone_number: An SMS subscription needs the profile's `phone_number`.",
		]);
		expect(strict.validate('SubscriptionCreateJobCreateQuery', subscribe({ subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }))).toEqual([
			'/data/attributes/profiles/data/0/attributes: One of `email` or `phone_number` is required.',
		]);
	});

	it('deletion jobs name exactly one of id, email, phone_number', () => {
		expect(strict.validate('DataPrivacyCreateDeletionJobQuery', deletion(profile({ email: 'a@example.com' })))).toEqual([]);
		expect(strict.validate('DataPrivacyCreateDeletionJobQuery', deletion(profile({}, '01ABC')))).toEqual([]);
		const both = strict.validate('DataPrivacyCreateDeletionJobQuery', deletion(profile({ email: 'a@example.com', phone_number: '+14155552671' })));
		expect(both).toEqual(['/data/attributes/profile/data: Exactly one of `id`, `email`, or `phone_number` must be provided to identify the profile to delete.']);
	});

	it('a bad profile of a bulk import is an item problem (an import error), not a request error', () => {
		const body = {
			data: {
				type: 'profile-bulk-import-job',
				attributes: { profiles: { data: [profile({ email: 'ok@example.com' }), profile({ email: 'ok2@example.com', phone_number: '+15551234567' })] } },
			},
		};
		expect(strict.checkRequest('POST', '/api/profile-bulk-import-jobs', body)).toEqual([
			{
				pointer: '/data/attributes/profiles/data/1/attributes/phone_number',
				detail: 'Invalid phone number format (Example of a valid phone number format: +12345678901)',
				item: 1,
			},
		]);
	});

	it('events in bulk: at most 1 000 per request; a blank metric or a far-future time is rejected where it is', () => {
		const ev = (name: string, time?: string) => ({ type: 'event', attributes: { properties: {}, metric: { data: { type: 'metric', attributes: { name } } }, ...(time ? { time } : {}) } });
		const job = (events: unknown[]) => ({
			data: {
				type: 'event-bulk-create-job',
				attributes: { 'events-bulk-create': { data: [{ type: 'event-bulk-create', attributes: { profile: { data: profile({ email: 'a@example.com' }) }, events: { data: events } } }] } },
			},
		});
		expect(strict.validate('EventsBulkCreateJob', job(Array.from({ length: 1000 }, () => ev('Viewed'))))).toEqual([]);
		expect(strict.validate('EventsBulkCreateJob', job(Array.from({ length: 1001 }, () => ev('Viewed'))))).toEqual([
			'/data/attributes/events-bulk-create/data: A maximum of 1000 events may be created per request.',
		]);
		expect(strict.validate('EventsBulkCreateJob', job([ev(' '), ev('Viewed', '2999-01-01T00:00:00Z')]))).toEqual([
			'/data/attributes/events-bulk-create/data/0/attributes/events/data/0/attributes/metric/data/attributes/name: This field may not be blank.',
			'/data/attributes/events-bulk-create/data/0/attributes/events/data/1/attributes/time: Time must be after 1990 and can only be up to 1 year in the future.',
		]);
	});

	it('revisions: published ones (with an optional .pre), nothing else', () => {
		expect(strict.revisionError('2026-07-15')).toBeUndefined();
		expect(strict.revisionError('2026-07-15.pre')).toBeUndefined();
		expect(strict.revisionError(undefined)).toBe('Missing `revision` header.');
		expect(strict.revisionError('2026-07-14')).toMatch(/Unknown `revision` 2026-07-14/);
		expect(strict.revisionError('v3')).toMatch(/Invalid `revision` header/);
		expect(strict.KNOWN_REVISIONS).toContain('2026-07-15');
	});

	it('phones: E.164 and a real number; emails: something@domain.tld', () => {
		expect(['+14155552671', '+442079460958', '+33142685300'].map(strict.isValidPhone)).toEqual([true, true, true]);
		expect(['+15551234567', '14155552671', '+1 415 555 2671', '+0123456789', 4155552671].map(strict.isValidPhone)).toEqual([false, false, false, false, false]);
		expect(['a@b.co', 'a@b', 'a b@c.de', 42].map(strict.isValidEmail)).toEqual([true, false, false, false]);
	});
});
