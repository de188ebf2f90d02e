import {
	compact,
	deletionJobBody,
	eventBody,
	eventJobBody,
	profileImportBody,
	profileImportJobBody,
	profileResource,
	subscriptionJobBody,
	toBulkEvent,
} from '../../../nodes/shared/klaviyoBodies';
import { openapi } from '../Klaviyo/helpers';

const event = eventBody({
	metric: 'Placed Order',
	properties: { OrderId: '1' },
	profile: { email: 'a@example.com' },
	time: '2026-01-01T00:00:00Z',
	value: 12.5,
	valueCurrency: 'EUR',
	uniqueId: 'shopify:order:1:placed',
});

describe('Klaviyo request bodies (one builder per kind)', () => {
	it.each([
		['POST', '/api/profile-import', profileImportBody({ email: 'a@example.com', first_name: 'A' })],
		['POST', '/api/events', event],
		['POST', '/api/event-bulk-create-jobs', eventJobBody([toBulkEvent(event, false)!])],
		['POST', '/api/profile-bulk-import-jobs', profileImportJobBody([profileResource({ email: 'a@example.com' })], 'LIST1')],
		[
			'POST',
			'/api/profile-subscription-bulk-create-jobs',
			subscriptionJobBody({
				consent: 'SUBSCRIBED',
				channel: 'email',
				identifier: { email: 'a@example.com' },
				consentedAt: '2026-01-01T00:00:00Z',
				historicalImport: true,
				customSource: 'Shopify',
				listId: 'LIST1',
			}),
		],
		[
			'POST',
			'/api/profile-subscription-bulk-delete-jobs',
			subscriptionJobBody({ consent: 'UNSUBSCRIBED', channel: 'sms', identifier: { phone_number: '+15005550006' } }),
		],
		['POST', '/api/data-privacy-deletion-jobs', deletionJobBody({ email: 'a@example.com' })],
		['POST', '/api/data-privacy-deletion-jobs', deletionJobBody({ id: '01PROFILE' })],
	])('%s %s: the body matches Klaviyo’s schema', (method, path, body) => {
		expect(openapi.validateRequest(method, path, body)).toEqual([]);
	});

	it('leaves out what says nothing, never sends it empty', () => {
		expect(compact({ a: undefined, b: null, c: '', d: 0, e: false, f: [], g: {} })).toEqual({ d: 0, e: false, f: [], g: {} });
		const bare = eventBody({ metric: 'M', properties: {}, profile: { external_id: '1' } }) as { data: { attributes: object } };
		expect(Object.keys(bare.data.attributes).sort()).toEqual(['metric', 'profile', 'properties']);
	});

	it('subscribes with the consent details, unsubscribes without them', () => {
		const sub = subscriptionJobBody({ consent: 'SUBSCRIBED', channel: 'email', identifier: { email: 'a@example.com' } });
		expect(sub).toEqual({
			data: {
				type: 'profile-subscription-bulk-create-job',
				attributes: {
					profiles: {
						data: [{ type: 'profile', attributes: { email: 'a@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } } }],
					},
				},
			},
		});
		const unsub = subscriptionJobBody({ consent: 'UNSUBSCRIBED', channel: 'sms', identifier: { phone_number: '+1' }, customSource: 'x', listId: 'L' });
		expect(unsub).toEqual({
			data: {
				type: 'profile-subscription-bulk-delete-job',
				attributes: {
					profiles: {
						data: [{ type: 'profile', attributes: { phone_number: '+1', subscriptions: { sms: { marketing: { consent: 'UNSUBSCRIBED' } } } } }],
					},
				},
				relationships: { list: { data: { type: 'list', id: 'L' } } },
			},
		});
	});
});
