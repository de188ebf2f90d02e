import nock from 'nock';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

const sleeps: number[] = [];
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return {
		...actual,
		sleep: jest.fn(async (ms: number) => {
			sleeps.push(ms);
		}),
	};
});

import { Klaviyo } from '../../../nodes/Klaviyo/Klaviyo.node';
import type { DeadLetterItem, KlaviyoRequestItem, KlaviyoResultItem } from '../../../nodes/shared/contract';
import { resetLimiters } from '../../../nodes/Klaviyo/transport/limiter';
import { BASE, eventBody, fakeContext, KEY, klaviyoError, openapi, profileBody } from './helpers';

const node = new Klaviyo();
let fake: ReturnType<typeof fakeContext>;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
	resetLimiters();
	sleeps.length = 0;
});
afterEach(() => {
	if (fake) expect(fake.invalid()).toEqual([]);
	expect(nock.pendingMocks()).toEqual([]);
	nock.cleanAll();
});

async function run(options: Parameters<typeof fakeContext>[0]): Promise<INodeExecutionData[]> {
	fake = fakeContext(options);
	const out = await node.execute.call(fake.ctx);
	expect(out).toHaveLength(1);
	return out[0];
}

/** What n8n's WorkflowExecute.handleNodeErrorOutput does with "continue using error output". */
/** n8n 2.41's rule (WorkflowExecute.handleNodeErrorOutput): json with only error/message/details keys → error output. */
function isErrorItem(i: INodeExecutionData): boolean {
	return i.json.error !== undefined && Object.keys(i.json).every((k) => ['error', 'message', 'details'].includes(k));
}

/** The DeadLetterItem carried by an error-output item ({ error, details }). */
function deadLetterOf(i: INodeExecutionData): DeadLetterItem {
	return { ...(i.json.details as object), error: i.json.error } as unknown as DeadLetterItem;
}

function route(items: INodeExecutionData[]) {
	return {
		success: items.filter((i) => !isErrorItem(i)),
		error: items.filter((i) => isErrorItem(i)),
	};
}

const mapped = (operation: KlaviyoRequestItem['operation'], body: IDataObject, n = 1): KlaviyoRequestItem => ({
	operation,
	body,
	summary: `summary ${n}`,
	topic: 'orders/create',
	idempotencyKey: `shop:orders/create:${n}`,
	notes: ['mapper note'],
});

describe('description', () => {
	it('is the Klaviyo node with the credential, one main input/output, usable as a tool', () => {
		const d = node.description;
		expect(d).toMatchObject({ name: 'klaviyo', displayName: 'Klaviyo', usableAsTool: true });
		expect(d.icon).toEqual({ light: 'file:../../icons/klaviyo.svg', dark: 'file:../../icons/klaviyo.dark.svg' });
		expect(d.credentials).toEqual([{ name: 'klaviyoPrivateKeyApi', required: true }]);
		expect(d.inputs).toEqual(['main']);
		expect(d.outputs).toEqual(['main']);
	});

	it('routes every resource/operation it offers', async () => {
		const resources = (d: typeof node.description) =>
			(d.properties.find((p) => p.name === 'resource')!.options as Array<{ value: string }>).map((o) => o.value);
		for (const resource of resources(node.description)) {
			const ops = node.description.properties.filter(
				(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
			);
			expect(ops).toHaveLength(1);
		}
		fake = fakeContext({ params: { resource: 'nope', operation: 'x' } });
		await expect(node.execute.call(fake.ctx)).rejects.toThrow(/Unsupported operation/);
	});
});

describe('Mapped Request → Send', () => {
	const bodies: Array<[KlaviyoRequestItem['operation'], string, IDataObject]> = [
		['profile.upsert', '/api/profile-import', profileBody({ first_name: 'Sarah' })],
		['event.create', '/api/events', eventBody({ uniqueId: 'u1' })],
		[
			'subscription.subscribe',
			'/api/profile-subscription-bulk-create-jobs',
			{
				data: {
					type: 'profile-subscription-bulk-create-job',
					attributes: {
						profiles: {
							data: [
								{
									type: 'profile',
									attributes: { email: 'a@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } },
								},
							],
						},
					},
				},
			},
		],
		[
			'subscription.unsubscribe',
			'/api/profile-subscription-bulk-delete-jobs',
			{
				data: {
					type: 'profile-subscription-bulk-delete-job',
					attributes: {
						profiles: {
							data: [
								{
									type: 'profile',
									attributes: { email: 'a@example.com', subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } },
								},
							],
						},
					},
				},
			},
		],
		[
			'dataPrivacy.deleteProfile',
			'/api/data-privacy-deletion-jobs',
			{
				data: {
					type: 'data-privacy-deletion-job',
					attributes: { profile: { data: { type: 'profile', attributes: { email: 'a@example.com' } } } },
				},
			},
		],
	];

	it.each(bodies)('sends %s to %s and passes summary/topic/idempotencyKey through', async (operation, path, body) => {
		expect(openapi.validateRequest('POST', path, body)).toEqual([]);
		nock(BASE).post(path, body as nock.RequestBodyMatcher).reply(202, '');
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send' },
			items: [mapped(operation, body) as unknown as IDataObject],
		});
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const json = out[0].json as unknown as KlaviyoResultItem;
		expect(json).toMatchObject({
			operation,
			status: 202,
			attempts: 1,
			totalWaitMs: 0,
			summary: 'summary 1',
			topic: 'orders/create',
			idempotencyKey: 'shop:orders/create:1',
			notes: ['mapper note'],
		});
	});

	it('routes failures to the error output with a replayable DeadLetterItem (continueOnFail)', async () => {
		nock(BASE)
			.post('/api/events')
			.reply(202)
			.post('/api/profile-import')
			.reply(400, klaviyoError(400, 'Invalid email', { pointer: '/data/attributes/email' }));
		const items = [mapped('event.create', eventBody(), 1), mapped('profile.upsert', profileBody({ email: 'bad' }), 2)];
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send', options: { concurrency: 1 } },
			items: items as unknown as IDataObject[],
			continueOnFail: true,
		});
		const { success, error } = route(out);
		expect(success).toHaveLength(1);
		expect(error).toHaveLength(1);
		expect(error[0].pairedItem).toEqual({ item: 1 });
		expect(isErrorItem(error[0])).toBe(true);
		const dead = deadLetterOf(error[0]);
		expect(dead).toMatchObject({
			operation: 'profile.upsert',
			body: profileBody({ email: 'bad' }),
			topic: 'orders/create',
			idempotencyKey: 'shop:orders/create:2',
			summary: 'summary 2',
			attempts: 1,
			error: { status: 400, detail: 'Invalid email', pointer: '/data/attributes/email' },
		});
		expect(dead.error.hint).toMatch(/email/);
	});

	it('sends exhausted retries to the error output with attempts and last status', async () => {
		nock(BASE).post('/api/events').times(2).reply(503, klaviyoError(503, 'down'));
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send', options: { maxAttempts: 2 } },
			items: [mapped('event.create', eventBody()) as unknown as IDataObject],
			continueOnFail: true,
		});
		expect(isErrorItem(out[0])).toBe(true);
		expect(deadLetterOf(out[0])).toMatchObject({ attempts: 2, error: { status: 503 } });
		expect(sleeps).toHaveLength(1);
	});

	it('throws a NodeApiError without the key when not continuing on fail', async () => {
		nock(BASE).post('/api/events').reply(401, klaviyoError(401, `bad key ${KEY}`));
		fake = fakeContext({
			params: { resource: 'mappedRequest', operation: 'send' },
			items: [mapped('event.create', eventBody()) as unknown as IDataObject],
		});
		const error = await node.execute.call(fake.ctx).then(
			() => undefined,
			(e: unknown) => e as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error!.message).toMatch(/HTTP 401/);
		expect(error!.description).toMatch(/check the private key in the Klaviyo credential/);
		expect(JSON.stringify({ m: error!.message, d: error!.description, c: error!.context })).not.toContain(KEY);
		// the Authorization header really was sent
		expect(fake.sent[0].headers.Authorization).toBe(`Klaviyo-API-Key ${KEY}`);
	});

	it('rejects items without a valid operation', async () => {
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send' },
			items: [{ operation: 'nope', body: {} }],
			continueOnFail: true,
		});
		expect(isErrorItem(out[0])).toBe(true);
		expect(deadLetterOf(out[0]).error.message).toMatch(/no valid "operation"/);
	});

	it('keeps at most Concurrency requests in flight', async () => {
		nock(BASE).post('/api/events').times(7).delay(20).reply(202);
		const items = Array.from({ length: 7 }, (_, i) => mapped('event.create', eventBody(), i));
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send', options: { concurrency: 3 } },
			items: items as unknown as IDataObject[],
		});
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(fake.peak()).toBe(3);
	});

	it('drops an invalid phone and says so in notes', async () => {
		nock(BASE)
			.post('/api/profile-import')
			.reply(400, klaviyoError(400, 'Invalid phone number', { pointer: '/data/attributes/phone_number' }))
			.post('/api/profile-import')
			.reply(201, { data: { type: 'profile', id: '01P' } });
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send' },
			items: [mapped('profile.upsert', profileBody({ phone_number: '+1' })) as unknown as IDataObject],
		});
		expect(out[0].json).toMatchObject({
			status: 201,
			attempts: 2,
			notes: ['mapper note', 'phone_number dropped: Invalid phone number'],
		});
	});
});

describe('success output holds no personal data', () => {
	it('reduces the Klaviyo response to type and id: no email, phone or profile attributes from the request or the answer', async () => {
		const email = 'sarah.private@example.com';
		const phone = '+15005550006';
		nock(BASE)
			.post('/api/profile-import')
			.reply(201, {
				data: {
					type: 'profile',
					id: '01PROFILE',
					attributes: { email, phone_number: phone, first_name: 'Sarah', last_name: 'Private', location: { city: 'Boston' }, properties: { 'Shopify ID': '42' } },
					links: { self: `${BASE}/api/profiles/01PROFILE/` },
				},
				links: { self: `${BASE}/api/profile-import/` },
			});
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send' },
			items: [mapped('profile.upsert', profileBody({ email, phone_number: phone, first_name: 'Sarah', last_name: 'Private' })) as unknown as IDataObject],
		});
		expect(out[0].json).toEqual({
			operation: 'profile.upsert',
			status: 201,
			attempts: 1,
			totalWaitMs: 0,
			response: { type: 'profile', id: '01PROFILE' },
			summary: 'summary 1',
			topic: 'orders/create',
			idempotencyKey: 'shop:orders/create:1',
			notes: ['mapper note'],
		});
		const saved = JSON.stringify(out[0].json);
		for (const personal of [email, phone, 'Sarah', 'Private', 'Boston']) expect(saved).not.toContain(personal);
	});

	it('keeps no response at all when Klaviyo answers without a resource (202 with an empty body)', async () => {
		nock(BASE).post('/api/events').reply(202, '');
		const out = await run({
			params: { resource: 'mappedRequest', operation: 'send' },
			items: [mapped('event.create', eventBody({ email: 'someone@example.com', phone: '+15005550006' })) as unknown as IDataObject],
		});
		expect(out[0].json).not.toHaveProperty('response');
		expect(JSON.stringify(out[0].json)).not.toMatch(/someone@example\.com|\+15005550006/);
	});
});

describe('field-based operations build valid bodies', () => {
	it('Profile → Create or Update', async () => {
		nock(BASE).post('/api/profile-import').reply(201, { data: { type: 'profile', id: '01P' } });
		const out = await run({
			params: {
				resource: 'profile',
				operation: 'createOrUpdate',
				email: 'sarah@example.com',
				phoneNumber: '+15005550006',
				externalId: 'shopify-7',
				profileFields: { first_name: 'Sarah', city: 'Boston', country: 'US', locale: 'en-US' },
				customProperties: { property: [{ key: 'tier', value: 'gold' }] },
			},
		});
		expect(out[0].json).toMatchObject({ operation: 'profile.upsert', status: 201 });
		expect(fake.sent[0].body).toEqual({
			data: {
				type: 'profile',
				attributes: {
					email: 'sarah@example.com',
					phone_number: '+15005550006',
					external_id: 'shopify-7',
					first_name: 'Sarah',
					locale: 'en-US',
					location: { city: 'Boston', country: 'US' },
					properties: { tier: 'gold' },
				},
			},
		});
	});

	it('Profile without identifier is an input error', async () => {
		const out = await run({ params: { resource: 'profile', operation: 'createOrUpdate' }, continueOnFail: true });
		expect(isErrorItem(out[0])).toBe(true);
		expect(fake.sent).toHaveLength(0);
	});

	it('Event → Create', async () => {
		nock(BASE).post('/api/events').reply(202);
		await run({
			params: {
				resource: 'event',
				operation: 'create',
				metricName: 'Placed Order',
				email: 'sarah@example.com',
				eventProperties: '{"OrderId":"1001","Items":["a"]}',
				eventFields: { value: 19.99, value_currency: 'EUR', time: '2026-01-02T03:04:05Z', unique_id: 'o-1001' },
			},
		});
		expect(fake.sent[0].body).toMatchObject({
			data: {
				type: 'event',
				attributes: {
					properties: { OrderId: '1001', Items: ['a'] },
					value: 19.99,
					value_currency: 'EUR',
					unique_id: 'o-1001',
					time: '2026-01-02T03:04:05.000Z',
					metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
					profile: { data: { type: 'profile', attributes: { email: 'sarah@example.com' } } },
				},
			},
		});
	});

	it('Event with invalid JSON properties is an input error', async () => {
		const out = await run({
			params: { resource: 'event', operation: 'create', metricName: 'X', email: 'a@b.co', eventProperties: '{nope' },
			continueOnFail: true,
		});
		expect(deadLetterOf(out[0]).error.message).toMatch(/not valid JSON/);
	});

	it.each([
		['subscribe', 'email', '/api/profile-subscription-bulk-create-jobs'],
		['subscribe', 'sms', '/api/profile-subscription-bulk-create-jobs'],
		['unsubscribe', 'email', '/api/profile-subscription-bulk-delete-jobs'],
		['unsubscribe', 'sms', '/api/profile-subscription-bulk-delete-jobs'],
	])('Subscription → %s (%s) with a list', async (operation, channel, path) => {
		nock(BASE).post(path).reply(202);
		const out = await run({
			params: {
				resource: 'subscription',
				operation,
				channel,
				email: 'sarah@example.com',
				phoneNumber: '+15005550006',
				listId: 'Y6nRLr',
				customSource: 'Shopify checkout',
			},
		});
		expect(out[0].json).toMatchObject({ status: 202 });
		const body = fake.sent[0].body as { data: { relationships: unknown; attributes: { profiles: { data: IDataObject[] } } } };
		expect(body.data.relationships).toEqual({ list: { data: { type: 'list', id: 'Y6nRLr' } } });
		const attrs = body.data.attributes.profiles.data[0].attributes as IDataObject;
		expect(Object.keys(attrs.subscriptions as IDataObject)).toEqual([channel]);
	});

	it.each([
		['email', 'sarah@example.com'],
		['phone_number', '+15005550006'],
		['id', '01PROFILEID'],
	])('Data Privacy → Request Profile Deletion by %s', async (identifyBy, identifier) => {
		nock(BASE).post('/api/data-privacy-deletion-jobs').reply(202);
		const out = await run({ params: { resource: 'dataPrivacy', operation: 'requestProfileDeletion', identifyBy, identifier } });
		expect(out[0].json).toMatchObject({ operation: 'dataPrivacy.deleteProfile', status: 202 });
		expect(JSON.stringify(fake.sent[0].body)).toContain(identifier);
	});

	it('Data Privacy → Request Profile Deletion by External ID: looks the profile up, deletes it by id', async () => {
		nock(BASE)
			.get('/api/profiles')
			.query({ filter: 'equals(external_id,"shop-42")', 'fields[profile]': 'external_id', 'page[size]': '100' })
			.reply(200, { data: [{ type: 'profile', id: '01P', attributes: { external_id: 'shop-42' } }], links: { next: null } })
			.post('/api/data-privacy-deletion-jobs', (b) => b.data.attributes.profile.data.id === '01P')
			.reply(202);
		const out = await run({ params: { resource: 'dataPrivacy', operation: 'requestProfileDeletion', identifyBy: 'external_id', identifier: 'shop-42' } });
		expect(out[0].json).toEqual({
			operation: 'dataPrivacy.deleteProfileByExternalId',
			status: 202,
			attempts: 2,
			totalWaitMs: 0,
			response: [{ type: 'profile', id: '01P' }],
			notes: ['external_id matched 1 Klaviyo profile (01P); deletion requested'],
		});
	});
});

describe('Bulk → Create Events in Bulk', () => {
	const params = (extra: IDataObject = {}) => ({ resource: 'bulk', operation: 'createEvents', source: 'mapped', ...extra });

	it('1 001 events → 2 jobs (1 000 + 1), grouped by profile, every body valid', async () => {
		const jobs: IDataObject[] = [];
		nock(BASE)
			.post('/api/event-bulk-create-jobs', (b) => {
				jobs.push(b);
				return true;
			})
			.times(2)
			.reply(202);
		const items = Array.from({ length: 1001 }, (_, i) =>
			mapped('event.create', eventBody({ email: `p${i % 10}@example.com`, uniqueId: `u-${i}` }), i),
		);
		const out = await run({ params: params(), items: items as unknown as IDataObject[] });
		expect(jobs).toHaveLength(2);
		const counts = jobs.map((j) => {
			const groups = ((j.data as IDataObject).attributes as IDataObject)['events-bulk-create'] as { data: IDataObject[] };
			return groups.data.reduce((n, g) => n + ((g.attributes as IDataObject).events as { data: unknown[] }).data.length, 0);
		});
		expect(counts).toEqual([1000, 1]);
		const firstGroups = ((jobs[0].data as IDataObject).attributes as IDataObject)['events-bulk-create'] as { data: unknown[] };
		expect(firstGroups.data).toHaveLength(10); // 10 distinct profiles
		expect(out).toHaveLength(1001);
		expect(out[0].json).toMatchObject({ operation: 'bulk.createEvents', status: 202, summary: 'summary 0' });
		expect((out[1000].json as unknown as KlaviyoResultItem).notes).toContain('bulk job 2/2 (1 events)');
		expect(out[1000].pairedItem).toEqual({ item: 1000 });
	});

	it('never puts the same unique_id twice in one job: the duplicate goes to a later job', async () => {
		const jobs: IDataObject[] = [];
		nock(BASE)
			.post('/api/event-bulk-create-jobs', (b) => {
				jobs.push(b);
				return true;
			})
			.times(2)
			.reply(202);
		const items = [
			mapped('event.create', eventBody({ uniqueId: 'A' }), 0),
			mapped('event.create', eventBody({ uniqueId: 'B' }), 1),
			mapped('event.create', eventBody({ uniqueId: 'A' }), 2),
		];
		const out = await run({ params: params({ backfill: true }), items: items as unknown as IDataObject[] });
		const uids = jobs.map((j) => JSON.stringify(j).match(/"unique_id":"\w+"/g));
		expect(uids).toEqual([['"unique_id":"A"', '"unique_id":"B"'], ['"unique_id":"A"']]);
		expect(JSON.stringify(jobs[0])).toContain('"backfill":true');
		expect((out[2].json as unknown as KlaviyoResultItem).notes).toContain(
			'unique_id A already in bulk job 1; sent in bulk job 2',
		);
	});

	it('a failed job dead-letters each of its items with the single-event body', async () => {
		nock(BASE).post('/api/event-bulk-create-jobs').reply(403, klaviyoError(403, 'scope missing'));
		const items = [mapped('event.create', eventBody({ uniqueId: 'A' }), 0), { operation: 'profile.upsert', body: {} }];
		const out = await run({ params: params(), items: items as unknown as IDataObject[], continueOnFail: true });
		expect(out).toHaveLength(2);
		expect(out.every((o) => isErrorItem(o))).toBe(true);
		const dead = deadLetterOf(out[0]);
		expect(dead).toMatchObject({ operation: 'event.create', body: eventBody({ uniqueId: 'A' }) });
		expect(dead.error.hint).toBe('the key lacks the scope events:write needed for POST /api/event-bulk-create-jobs');
	});

	it('builds events from fields when Source is Fields Below', async () => {
		nock(BASE).post('/api/event-bulk-create-jobs').reply(202);
		await run({
			params: params({ source: 'fields', metricName: 'Viewed', email: 'x@example.com', eventProperties: {} }),
			items: [{}, {}],
		});
		expect(JSON.stringify(fake.sent[0].body).match(/"name":"Viewed"/g)).toHaveLength(2);
	});
});

describe('Bulk → Import Profiles in Bulk', () => {
	const params = (extra: IDataObject = {}) => ({
		resource: 'bulk',
		operation: 'importProfiles',
		source: 'mapped',
		waitForCompletion: true,
		pollInterval: 5,
		maxPolls: 10,
		...extra,
	});
	const job = (id: string, status: string) => ({
		data: {
			type: 'profile-bulk-import-job',
			id,
			attributes: { status, created_at: '2026-01-01T00:00:00Z', total_count: 2, completed_count: 2, failed_count: 0 },
			links: { self: 'x' },
		},
	});

	it('chunks by Profiles per Job and polls each job until complete', async () => {
		nock(BASE)
			.post('/api/profile-bulk-import-jobs')
			.reply(202, job('JOB1', 'queued'))
			.get('/api/profile-bulk-import-jobs/JOB1')
			.reply(200, job('JOB1', 'processing'))
			.get('/api/profile-bulk-import-jobs/JOB1')
			.reply(200, job('JOB1', 'complete'))
			.post('/api/profile-bulk-import-jobs')
			.reply(202, job('JOB2', 'complete'));
		const items = [0, 1, 2].map((i) => mapped('profile.upsert', profileBody({ email: `p${i}@example.com` }), i));
		const out = await run({
			params: params({ profilesPerJob: 2, listId: 'VRgFBd' }),
			items: items as unknown as IDataObject[],
		});
		expect(out).toHaveLength(3);
		expect(sleeps).toEqual([5000, 5000]);
		expect(out[0].json).toMatchObject({ operation: 'bulk.importProfiles', status: 202, attempts: 3, totalWaitMs: 10000 });
		expect((out[0].json as unknown as KlaviyoResultItem).notes).toContain('job JOB1: complete (2/2 completed, 0 failed)');
		expect((out[2].json as unknown as KlaviyoResultItem).notes).toContain('import job 2/2 (1 profiles)');
		const firstBody = fake.sent[0].body as { data: { attributes: { profiles: { data: unknown[] } }; relationships: unknown } };
		expect(firstBody.data.attributes.profiles.data).toHaveLength(2);
		expect(firstBody.data.relationships).toEqual({ lists: { data: [{ type: 'list', id: 'VRgFBd' }] } });
	});

	it('stops polling after Max Polls and reports the job as still running', async () => {
		nock(BASE)
			.post('/api/profile-bulk-import-jobs')
			.reply(202, job('J', 'queued'))
			.get('/api/profile-bulk-import-jobs/J')
			.times(3)
			.reply(200, job('J', 'processing'));
		const out = await run({ params: params({ maxPolls: 3 }), items: [mapped('profile.upsert', profileBody()) as unknown as IDataObject] });
		expect(sleeps).toEqual([5000, 5000, 5000]);
		expect((out[0].json as unknown as KlaviyoResultItem).notes).toContain('job J still processing after 3 status checks');
	});

	const tenProfiles = () =>
		Array.from({ length: 10 }, (_, i) =>
			mapped('profile.upsert', profileBody({ email: `p${i}@example.com` }), i),
		) as unknown as IDataObject[];
	const importError = (pointer: string, detail: string, originalPayload?: IDataObject) => ({
		type: 'import-error',
		id: `err-${pointer}`,
		attributes: { code: 'invalid', title: 'Invalid input.', detail, source: { pointer }, original_payload: originalPayload ?? null },
	});
	const completeWithFailures = (id: string, failed: number) => ({
		data: {
			type: 'profile-bulk-import-job',
			id,
			attributes: { status: 'complete', created_at: '2026-01-01T00:00:00Z', total_count: 10, completed_count: 10 - failed, failed_count: failed },
		},
	});

	it('a job completed with failed_count > 0 sends exactly the rejected profiles to the error output, naming the field', async () => {
		nock(BASE)
			.post('/api/profile-bulk-import-jobs')
			.reply(202, job('J', 'queued'))
			.get('/api/profile-bulk-import-jobs/J')
			.reply(200, completeWithFailures('J', 2))
			.get('/api/profile-bulk-import-jobs/J/import-errors')
			.query({ 'page[size]': '100' })
			.reply(200, {
				data: [
					importError('/data/attributes/profiles/data/3/attributes/email', 'Invalid email address.'),
					importError('/data/attributes/profiles/data/7/attributes/phone_number', 'Invalid phone number format.'),
				],
				links: { self: `${BASE}/api/profile-bulk-import-jobs/J/import-errors` },
			});
		const out = await run({ params: params(), items: tenProfiles(), continueOnFail: true });
		const { success, error } = route(out);
		expect(success.map((o) => o.pairedItem)).toEqual([0, 1, 2, 4, 5, 6, 8, 9].map((item) => ({ item })));
		expect(error.map((o) => o.pairedItem)).toEqual([{ item: 3 }, { item: 7 }]);
		const dead = deadLetterOf(error[0]);
		expect(dead).toMatchObject({
			operation: 'profile.upsert',
			body: profileBody({ email: 'p3@example.com' }),
			idempotencyKey: 'shop:orders/create:3',
			error: {
				message: 'Klaviyo profile import job J rejected this profile (field "email"): Invalid email address.',
				code: 'invalid',
				detail: 'Invalid email address.',
				pointer: '/data/attributes/email',
				hint: 'Klaviyo rejected the field "email"',
			},
		});
		expect(deadLetterOf(error[1]).error.pointer).toBe('/data/attributes/phone_number');
		expect((success[0].json as unknown as KlaviyoResultItem).notes).toContain('job J: complete (8/10 completed, 2 failed)');
	});

	it('reads every page of import errors and matches errors without an index by their original payload', async () => {
		nock(BASE)
			.post('/api/profile-bulk-import-jobs')
			.reply(202, completeWithFailures('J', 2))
			.get('/api/profile-bulk-import-jobs/J/import-errors')
			.query({ 'page[size]': '100' })
			.reply(200, {
				data: [importError('/data/attributes', 'A profile already exists with one of these identifiers.', profileBody({ email: 'P5@example.com' }).data)],
				links: { self: 'x', next: `${BASE}/api/profile-bulk-import-jobs/J/import-errors?page%5Bsize%5D=100&page%5Bcursor%5D=bmV4dA` },
			})
			.get('/api/profile-bulk-import-jobs/J/import-errors')
			.query({ 'page[size]': '100', 'page[cursor]': 'bmV4dA' })
			.reply(200, { data: [importError('/data/attributes/profiles/data/9/attributes/email', 'Invalid email address.')], links: { self: 'x' } });
		const out = await run({ params: params(), items: tenProfiles(), continueOnFail: true });
		expect(route(out).error.map((o) => o.pairedItem)).toEqual([{ item: 5 }, { item: 9 }]);
		expect(deadLetterOf(route(out).error[0]).error.message).toBe(
			'Klaviyo profile import job J rejected this profile: A profile already exists with one of these identifiers.',
		);
	});

	it('when the import errors do not say which profiles failed, every profile they do not clear is a dead letter', async () => {
		nock(BASE)
			.post('/api/profile-bulk-import-jobs')
			.reply(202, completeWithFailures('J', 2))
			.get('/api/profile-bulk-import-jobs/J/import-errors')
			.query(true)
			.reply(403, klaviyoError(403, 'You do not have permission to perform this action.'));
		const out = await run({ params: params(), items: tenProfiles(), continueOnFail: true });
		const { success, error } = route(out);
		expect(success).toHaveLength(0);
		expect(error).toHaveLength(10);
		expect(deadLetterOf(error[0]).error.message).toMatch(
			/^Klaviyo profile import job J reported 2 failed profiles, but reading its import errors failed: .*HTTP 403.*lacks the scope profiles:read.*: this profile may not have been imported$/,
		);
	});

	it('against the fake Klaviyo: 2 of 10 profiles invalid → those 2 are dead letters, 8 succeed and are stored', async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { createFakeKlaviyo } = require('../../fake-klaviyo/server');
		const klaviyo = createFakeKlaviyo({ rateLimits: false, strictFields: true });
		const { url } = await klaviyo.start(0);
		nock.enableNetConnect('127.0.0.1');
		try {
			const items = Array.from({ length: 10 }, (_, i) =>
				mapped(
					'profile.upsert',
					profileBody(i === 2 ? { email: 'not-an-email' } : i === 6 ? { email: `p${i}@example.com`, phone_number: '+1555' } : { email: `p${i}@example.com` }),
					i,
				),
			) as unknown as IDataObject[];
			const out = await run({ params: params(), items, continueOnFail: true, credentials: { baseUrl: url } });
			const { success, error } = route(out);
			expect(success).toHaveLength(8);
			expect(error.map((o) => o.pairedItem)).toEqual([{ item: 2 }, { item: 6 }]);
			expect(error.map((o) => deadLetterOf(o).error.pointer)).toEqual(['/data/attributes/email', '/data/attributes/phone_number']);
			expect(deadLetterOf(error[1]).error.message).toMatch(/rejected this profile \(field "phone_number"\): Invalid phone number/);
			expect(klaviyo.state.profiles).toHaveLength(8);
			expect(klaviyo.state.requests['GET /api/profile-bulk-import-jobs/{id}/import-errors']).toEqual({ 200: 1 });
		} finally {
			nock.disableNetConnect();
			await klaviyo.stop();
		}
	});

	it('a cancelled job is a failure', async () => {
		nock(BASE)
			.post('/api/profile-bulk-import-jobs')
			.reply(202, job('J', 'queued'))
			.get('/api/profile-bulk-import-jobs/J')
			.reply(200, job('J', 'cancelled'));
		const out = await run({
			params: params(),
			items: [mapped('profile.upsert', profileBody()) as unknown as IDataObject],
			continueOnFail: true,
		});
		expect(isErrorItem(out[0])).toBe(true);
		expect(deadLetterOf(out[0])).toMatchObject({ operation: 'profile.upsert', error: { message: /cancelled/ } });
	});
});
