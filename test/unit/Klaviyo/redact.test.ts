/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * customers/redact end to end without n8n: the mapper's requests, sent by the Klaviyo node
 * (Mapped Request → Send) to the fake Klaviyo, erase every profile of the customer.
 */
import type { IDataObject } from 'n8n-workflow';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn(async () => {}) }));

import { Klaviyo } from '../../../nodes/Klaviyo/Klaviyo.node';
import { resetLimiters } from '../../../nodes/Klaviyo/transport/limiter';
import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { fakeContext } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeKlaviyo } = require('../../fake-klaviyo/server');

let fake: any;
let url: string;
beforeAll(async () => {
	fake = createFakeKlaviyo({ rateLimits: false });
	({ url } = await fake.start(0));
});
afterAll(async () => await fake.stop());
beforeEach(() => {
	fake.reset();
	resetLimiters();
});

async function send(items: IDataObject[]) {
	const ctx = fakeContext({
		params: { resource: 'mappedRequest', operation: 'send', options: { concurrency: 1 } },
		items,
		credentials: { baseUrl: url, revision: '2026-07-15' },
	});
	const [out] = await new Klaviyo().execute.call(ctx.ctx);
	return out.map((o) => o.json as any);
}

async function importProfile(attributes: Record<string, unknown>) {
	const ctx = fakeContext({
		params: { resource: 'mappedRequest', operation: 'send' },
		items: [{ operation: 'profile.upsert', body: { data: { type: 'profile', attributes } } }],
		credentials: { baseUrl: url, revision: '2026-07-15' },
	});
	await new Klaviyo().execute.call(ctx.ctx);
}

const redact = (customer: Record<string, unknown>) =>
	mapDelivery({ topic: 'customers/redact', shop: 's.myshopify.com', eventId: 'e1', payload: { shop_id: 1, customer, orders_to_redact: [] } })
		.requests as unknown as IDataObject[];

describe('customers/redact against the fake Klaviyo', () => {
	it('deletes the email-, phone- and external_id-keyed profiles of one customer; profiles of others stay', async () => {
		await importProfile({ email: 'ann@example.com', first_name: 'Ann' });
		await importProfile({ phone_number: '+442079460958' });
		await importProfile({ external_id: '5' });
		await importProfile({ email: 'bob@example.com', external_id: '6' });
		expect(fake.state.profiles).toHaveLength(4);

		const out = await send(redact({ id: 5, email: 'ann@example.com', phone: '+44 20 7946 0958' }));
		expect(out.map((o) => [o.operation, o.status, o.error])).toEqual([
			['dataPrivacy.deleteProfile', 202, undefined],
			['dataPrivacy.deleteProfile', 202, undefined],
			['dataPrivacy.deleteProfileByExternalId', 202, undefined],
		]);
		expect(out[2].notes).toEqual([expect.stringMatching(/^external_id matched 1 Klaviyo profile \(\w+\); deletion requested$/)]);
		expect(fake.state.profiles.map((p: any) => p.email)).toEqual(['bob@example.com']);
		expect(fake.state.requests['GET /api/profiles']).toEqual({ 200: 1 });
		expect(fake.state.rejected).toEqual([]);
	});

	it('a customer Klaviyo does not know: no error, nothing left, nothing else touched', async () => {
		await importProfile({ email: 'bob@example.com', external_id: '6' });
		const out = await send(redact({ id: 404, email: 'nobody@example.com', phone: '+15005550006' }));
		expect(out.every((o) => o.error === undefined)).toBe(true);
		expect(out.map((o) => o.status)).toEqual([202, 202, 200]);
		expect(out[2].notes).toEqual(['no Klaviyo profile has this external_id; nothing to delete']);
		expect(fake.state.profiles.map((p: any) => p.email)).toEqual(['bob@example.com']);
		expect(fake.state.rejected).toEqual([]);
	});
});
