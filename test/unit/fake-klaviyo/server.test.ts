/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-hardcoded-secrets, @typescript-eslint/no-explicit-any --
 * test code for the fake Klaviyo server (a Node HTTP server), not part of the community package */
import http from 'http';

import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeKlaviyo } = require('../../fake-klaviyo/server');

type Fake = {
	start(port?: number): Promise<{ port: number; url: string }>;
	readonly requestLog: Array<Record<string, any>>;
	earlyRetries(): Array<Record<string, any>>;
	stop(): Promise<void>;
	reset(): void;
	setFaults(rules: unknown): unknown;
	setRateLimits(o: { enabled?: boolean; scale?: number }): void;
	readonly state: any;
};

const KEY = 'pk_test_0123456789abcdef';
const HEADERS = {
	Authorization: `Klaviyo-API-Key ${KEY}`,
	revision: '2024-10-15',
	'Content-Type': 'application/vnd.api+json',
	Accept: 'application/vnd.api+json',
};

function event(attrs: Record<string, unknown> = {}, profile: Record<string, unknown> = { email: 'ada@example.com' }) {
	return {
		data: {
			type: 'event',
			attributes: {
				properties: { OrderId: 1001 },
				metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
				profile: { data: { type: 'profile', attributes: profile } },
				...attrs,
			},
		},
	};
}
function profile(attributes: Record<string, unknown>, id?: string) {
	return { data: { type: 'profile', ...(id ? { id } : {}), attributes } };
}
function pointers(r: AxiosResponse): string[] {
	return (r.data.errors as Array<{ source?: { pointer?: string } }>).map((e) => e.source?.pointer ?? '');
}

async function startFake(options: Record<string, unknown> = {}) {
	const fake: Fake = createFakeKlaviyo(options);
	const { url } = await fake.start(0);
	const agent = new http.Agent({ keepAlive: false });
	const client: AxiosInstance = axios.create({ baseURL: url, headers: HEADERS, validateStatus: () => true, httpAgent: agent, proxy: false });
	return { fake, url, client };
}

describe('fake Klaviyo', () => {
	let fake: Fake;
	let url: string;
	let client: AxiosInstance;

	beforeAll(async () => {
		({ fake, url, client } = await startFake({ rateLimits: false }));
	});
	afterAll(async () => {
		await fake.stop();
	});
	beforeEach(() => {
		fake.reset();
		fake.setFaults([]);
	});

	describe('auth, revision, routing', () => {
		it('401 without Authorization', async () => {
			const r = await client.get('/api/accounts/', { headers: { Authorization: '' } });
			expect(r.status).toBe(401);
			expect(r.data.errors[0]).toMatchObject({ status: 401, code: 'not_authenticated' });
		});

		it('401 with a non-private key', async () => {
			const r = await client.get('/api/accounts/', { headers: { Authorization: 'Klaviyo-API-Key AbC123' } });
			expect(r.status).toBe(401);
			expect(r.data.errors[0].code).toBe('authentication_failed');
		});

		it('acceptKey restricts to one key', async () => {
			const s = await startFake({ acceptKey: KEY, rateLimits: false });
			try {
				expect((await s.client.get('/api/accounts/')).status).toBe(200);
				expect((await s.client.get('/api/accounts/', { headers: { Authorization: 'Klaviyo-API-Key pk_other' } })).status).toBe(401);
			} finally {
				await s.fake.stop();
			}
		});

		it('400 without revision header', async () => {
			const r = await client.get('/api/accounts/', { headers: { revision: '' } });
			expect(r.status).toBe(400);
			expect(r.data.errors[0].source).toEqual({ parameter: 'revision' });
		});

		it('400 for a revision Klaviyo never published, or not date-shaped; 200 for a published one', async () => {
			for (const revision of ['2026-07-16', '2099-01-15', 'latest', '2026-07-15.beta']) {
				const r = await client.get('/api/accounts/', { headers: { revision } });
				expect([revision, r.status]).toEqual([revision, 400]);
				expect(r.data.errors[0].source).toEqual({ parameter: 'revision' });
			}
			for (const revision of ['2026-07-15', '2026-07-15.pre', '2024-10-15']) {
				expect((await client.get('/api/accounts/', { headers: { revision } })).status).toBe(200);
			}
		});

		it('200 JSON:API account', async () => {
			const r = await client.get('/api/accounts/');
			expect(r.status).toBe(200);
			expect(r.headers['content-type']).toContain('application/vnd.api+json');
			expect(r.data.data[0]).toMatchObject({ type: 'account', attributes: { test_account: true } });
		});

		it('404 JSON:API error for unknown path, 405 for wrong method', async () => {
			const r = await client.get('/api/nothing-here/');
			expect(r.status).toBe(404);
			expect(r.data.errors[0]).toMatchObject({ status: 404, code: 'not_found' });
			expect((await client.delete('/api/events/')).status).toBe(405);
		});

		it('415 for a non-JSON content type; application/json accepted', async () => {
			const bad = await client.post('/api/events/', 'x=1', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
			expect(bad.status).toBe(415);
			const ok = await client.post('/api/events/', event(), { headers: { 'Content-Type': 'application/json' } });
			expect(ok.status).toBe(202);
		});

		it('400 parse_error for malformed JSON', async () => {
			const r = await client.post('/api/events/', '{"data":', { transformRequest: [(d) => d] });
			expect(r.status).toBe(400);
			expect(r.data.errors[0].code).toBe('parse_error');
		});
	});

	describe('POST /api/events', () => {
		it('202 with an empty body and records the event', async () => {
			const r = await client.post(
				'/api/events/',
				event({ value: 42.5, value_currency: 'USD', unique_id: 'order-1', time: '2025-01-02T03:04:05.678Z' }),
			);
			expect(r.status).toBe(202);
			expect(r.data).toBe('');
			expect(r.headers['content-length']).toBe('0');
			const { events, profiles } = fake.state;
			expect(events).toHaveLength(1);
			expect(events[0]).toMatchObject({
				metric: 'Placed Order',
				profile: { email: 'ada@example.com' },
				properties: { OrderId: 1001 },
				value: 42.5,
				value_currency: 'USD',
				unique_id: 'order-1',
				time: '2025-01-02T03:04:05.000Z',
			});
			expect(typeof events[0].receivedAt).toBe('string');
			expect(profiles).toHaveLength(1);
			expect(profiles[0].email).toBe('ada@example.com');
		});

		it('drops duplicates by unique_id per profile + metric (still 202)', async () => {
			expect((await client.post('/api/events/', event({ unique_id: 'u1' }))).status).toBe(202);
			expect((await client.post('/api/events/', event({ unique_id: 'u1', value: 9 }))).status).toBe(202);
			// same unique_id, different metric → kept
			const other = event({ unique_id: 'u1', metric: { data: { type: 'metric', attributes: { name: 'Fulfilled Order' } } } });
			expect((await client.post('/api/events/', other)).status).toBe(202);
			// same unique_id, different profile → kept
			expect((await client.post('/api/events/', event({ unique_id: 'u1' }, { email: 'bob@example.com' }))).status).toBe(202);
			const s = fake.state;
			expect(s.events).toHaveLength(3);
			expect(s.duplicatesDropped).toBe(1);
		});

		it('without unique_id, events of the same profile+metric in the same second are deduplicated (Klaviyo default)', async () => {
			const t = '2025-03-01T10:00:00.100Z';
			await client.post('/api/events/', event({ time: t }));
			await client.post('/api/events/', event({ time: '2025-03-01T10:00:00.900Z' }));
			await client.post('/api/events/', event({ time: '2025-03-01T10:00:01.000Z' }));
			expect(fake.state.events).toHaveLength(2);
			expect(fake.state.duplicatesDropped).toBe(1);
		});

		it('400 with source.pointer for schema errors', async () => {
			const r = await client.post('/api/events/', event({ metric: { data: { type: 'metric', attributes: {} } }, value: 'abc' }));
			expect(r.status).toBe(400);
			expect(r.data.errors[0]).toMatchObject({ status: 400, code: 'invalid', title: 'Invalid input.' });
			expect(pointers(r)).toEqual(
				expect.arrayContaining(['/data/attributes/metric/data/attributes/name', '/data/attributes/value']),
			);
			expect(fake.state.events).toHaveLength(0);
			expect(fake.state.rejected[0].errors.map((e: { pointer: string }) => e.pointer)).toContain('/data/attributes/value');
		});

		it('400 for unknown attribute fields', async () => {
			const r = await client.post('/api/events/', event({ revenue: 3 }));
			expect(r.status).toBe(400);
			expect(pointers(r)).toEqual(['/data/attributes/revenue']);
		});

		it('400 when the profile has no identifier', async () => {
			const r = await client.post('/api/events/', event({}, { first_name: 'Ada' }));
			expect(r.status).toBe(400);
			expect(pointers(r)).toEqual(['/data/attributes/profile/data/attributes']);
		});

		it('400 for a phone number that is not E.164, and for a bad email', async () => {
			const r = await client.post('/api/events/', event({}, { phone_number: '555-1234' }));
			expect(r.status).toBe(400);
			expect(pointers(r)).toEqual(['/data/attributes/profile/data/attributes/phone_number']);
			const e = await client.post('/api/events/', event({}, { email: 'not-an-email' }));
			expect(pointers(e)).toEqual(['/data/attributes/profile/data/attributes/email']);
			const ok = await client.post('/api/events/', event({}, { phone_number: '+14155552671' }));
			expect(ok.status).toBe(202);
		});

		it('400 for an E.164-shaped phone that is no real number (libphonenumber), like Klaviyo', async () => {
			for (const phone of ['+15551234567', '+1415555267', '+4412', '+999123456789', '+1 415 555 2671']) {
				const r = await client.post('/api/events/', event({}, { email: 'ada@example.com', phone_number: phone }));
				expect([phone, r.status, pointers(r)]).toEqual([phone, 400, ['/data/attributes/profile/data/attributes/phone_number']]);
			}
			for (const phone of ['+442079460958', '+33142685300', '+15005550006']) {
				expect((await client.post('/api/events/', event({}, { phone_number: phone }))).status).toBe(202);
			}
		});

		it('400 for an unknown attribute, more than 400 properties or a string above 100 KB', async () => {
			const extra = await client.post('/api/events/', event({ OrderNumber: '#1' }));
			expect(extra.status).toBe(400);
			expect(pointers(extra)).toEqual(['/data/attributes/OrderNumber']);
			expect(extra.data.errors[0].detail).toBe("'OrderNumber' is not a valid field for the resource 'event'.");
			const many = Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`p${i}`, i]));
			const tooMany = await client.post('/api/events/', event({ properties: many }));
			expect([tooMany.status, pointers(tooMany)]).toEqual([400, ['/data/attributes/properties']]);
			const four = { ...many };
			delete four.p400;
			expect((await client.post('/api/events/', event({ properties: four }))).status).toBe(202);
			const big = await client.post('/api/events/', event({ properties: { Note: 'x'.repeat(100 * 1024 + 1) } }));
			expect([big.status, pointers(big)]).toEqual([400, ['/data/attributes/properties/Note']]);
			expect((await client.post('/api/events/', event({ properties: { Note: 'x'.repeat(100 * 1024) } }))).status).toBe(202);
			const profileProps = await client.post('/api/profile-import/', profile({ email: 'ada@example.com', properties: many }));
			expect([profileProps.status, pointers(profileProps)]).toEqual([400, ['/data/attributes/properties']]);
		});
	});

	describe('POST /api/profile-import', () => {
		it('201 when created, 200 when updated (by email, phone, external_id, id)', async () => {
			const c = await client.post('/api/profile-import/', profile({ email: 'ada@example.com', first_name: 'Ada' }));
			expect(c.status).toBe(201);
			expect(c.data.data).toMatchObject({ type: 'profile', attributes: { email: 'ada@example.com', first_name: 'Ada' } });
			const id = c.data.data.id as string;
			expect(id).toMatch(/^[0-9A-Z]{26}$/);

			const u1 = await client.post('/api/profile-import/', profile({ email: 'ada@example.com', external_id: 'shopify-1' }));
			expect(u1.status).toBe(200);
			expect(u1.data.data.id).toBe(id);
			const u2 = await client.post('/api/profile-import/', profile({ external_id: 'shopify-1', phone_number: '+14155552671' }));
			expect(u2.status).toBe(200);
			expect(u2.data.data.id).toBe(id);
			const u3 = await client.post('/api/profile-import/', profile({ phone_number: '+14155552671', last_name: 'Lovelace' }));
			expect(u3.data.data.id).toBe(id);
			const u4 = await client.post('/api/profile-import/', profile({ properties: { vip: true } }, id));
			expect(u4.status).toBe(200);
			expect(u4.data.data.attributes).toMatchObject({
				email: 'ada@example.com',
				external_id: 'shopify-1',
				phone_number: '+14155552671',
				last_name: 'Lovelace',
				properties: { vip: true },
			});
			expect(fake.state.profiles).toHaveLength(1);
		});

		it('409 duplicate_profile with meta.duplicate_profile_id when identifiers conflict', async () => {
			const a = await client.post('/api/profile-import/', profile({ email: 'a@example.com' }));
			const b = await client.post('/api/profile-import/', profile({ external_id: 'ext-b' }));
			const r = await client.post('/api/profile-import/', profile({ email: 'a@example.com', external_id: 'ext-b' }));
			expect(r.status).toBe(409);
			expect(r.data.errors[0]).toMatchObject({
				status: 409,
				code: 'duplicate_profile',
				title: 'Conflict.',
				detail: 'A profile already exists with one of these identifiers.',
				source: { pointer: '/data/attributes' },
				meta: { duplicate_profile_id: b.data.data.id },
			});
			expect(r.data.errors[0].meta.duplicate_profile_id).not.toBe(a.data.data.id);
			// nothing changed
			expect(fake.state.profiles.find((p: { id: string }) => p.id === a.data.data.id).external_id).toBeNull();
		});

		it('400 pointers: missing identifier, bad phone, bad email, schema', async () => {
			const none = await client.post('/api/profile-import/', profile({ first_name: 'X' }));
			expect(none.status).toBe(400);
			expect(pointers(none)).toEqual(['/data/attributes']);
			const phone = await client.post('/api/profile-import/', profile({ email: 'x@example.com', phone_number: '5551234567' }));
			expect(pointers(phone)).toEqual(['/data/attributes/phone_number']);
			const email = await client.post('/api/profile-import/', profile({ email: 'x@' }));
			expect(pointers(email)).toEqual(['/data/attributes/email']);
			const schema = await client.post('/api/profile-import/', { data: { type: 'person', attributes: { email: 'x@example.com' } } });
			expect(schema.status).toBe(400);
			expect(pointers(schema)).toContain('/data/type');
			expect(fake.state.profiles).toHaveLength(0);
		});
	});

	describe('bulk and other endpoints', () => {
		it('event-bulk-create-jobs: 202, events stored with dedup', async () => {
			const entry = (email: string, ids: string[]) => ({
				type: 'event-bulk-create',
				attributes: {
					profile: { data: { type: 'profile', attributes: { email } } },
					events: {
						data: ids.map((u) => ({
							type: 'event',
							attributes: { properties: {}, unique_id: u, metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } } },
						})),
					},
				},
			});
			await client.post('/api/events/', event({ unique_id: 'b1' }, { email: 'ada@example.com' }));
			const r = await client.post('/api/event-bulk-create-jobs/', {
				data: {
					type: 'event-bulk-create-job',
					attributes: { 'events-bulk-create': { data: [entry('ada@example.com', ['b1', 'b2', 'b2']), entry('bob@example.com', ['b1'])] } },
				},
			});
			expect(r.status).toBe(202);
			const s = fake.state;
			expect(s.events.map((e: { unique_id: string }) => e.unique_id).sort()).toEqual(['b1', 'b1', 'b2']);
			expect(s.duplicatesDropped).toBe(2);
			expect(s.jobs[0]).toMatchObject({ type: 'event-bulk-create-job', total_count: 4 });
		});

		it('profile-bulk-import-jobs: 202 queued job, GET shows complete', async () => {
			const r = await client.post('/api/profile-bulk-import-jobs/', {
				data: {
					type: 'profile-bulk-import-job',
					attributes: { profiles: { data: [profile({ email: 'a@example.com' }).data, profile({ phone_number: 'bad' }).data] } },
				},
			});
			expect(r.status).toBe(202);
			expect(r.data.data).toMatchObject({ type: 'profile-bulk-import-job', attributes: { status: 'queued', total_count: 2 } });
			const g = await client.get(`/api/profile-bulk-import-jobs/${r.data.data.id}/`);
			expect(g.status).toBe(200);
			expect(g.data.data.attributes).toMatchObject({ status: 'complete', completed_count: 1, failed_count: 1 });
			expect((await client.get('/api/profile-bulk-import-jobs/nope/')).status).toBe(404);
		});

		it('profile-bulk-import-jobs: 2 of 10 failed, listed by GET …/import-errors (cursor pages)', async () => {
			const profiles = Array.from({ length: 10 }, (_, i) =>
				profile(i === 3 ? { email: 'not-an-email' } : i === 7 ? { phone_number: '+1555' } : { email: `p${i}@example.com` }).data,
			);
			const r = await client.post('/api/profile-bulk-import-jobs/', { data: { type: 'profile-bulk-import-job', attributes: { profiles: { data: profiles } } } });
			const id = r.data.data.id;
			const job = await client.get(`/api/profile-bulk-import-jobs/${id}`);
			expect(job.data.data.attributes).toMatchObject({ status: 'complete', total_count: 10, completed_count: 8, failed_count: 2 });
			const all = await client.get(`/api/profile-bulk-import-jobs/${id}/import-errors`);
			expect(all.status).toBe(200);
			expect(all.data.links.next).toBeUndefined();
			expect(all.data.data).toHaveLength(2);
			expect(all.data.data[0]).toMatchObject({
				type: 'import-error',
				attributes: {
					code: 'invalid',
					detail: 'Invalid email address.',
					source: { pointer: '/data/attributes/profiles/data/3/attributes/email' },
					original_payload: profiles[3],
				},
			});
			expect(all.data.data[1].attributes.source.pointer).toBe('/data/attributes/profiles/data/7/attributes/phone_number');
			const first = await client.get(`/api/profile-bulk-import-jobs/${id}/import-errors/`, { params: { 'page[size]': 1 } });
			expect(first.data.data).toHaveLength(1);
			const next = await client.get(first.data.links.next);
			expect(next.data.data.map((e: any) => e.attributes.original_payload)).toEqual([profiles[7]]);
			expect(next.data.links.next).toBeUndefined();
			expect((await client.get(`/api/profile-bulk-import-jobs/${id}/import-errors`, { params: { 'page[size]': 101 } })).status).toBe(400);
			expect((await client.get('/api/profile-bulk-import-jobs/nope/import-errors')).status).toBe(404);
		});

		it('subscription create/delete jobs: 202 empty', async () => {
			const body = (type: string, consent: string) => ({
				data: {
					type,
					attributes: {
						profiles: {
							data: [
								{
									type: 'profile',
									attributes: {
										email: 'a@example.com',
										subscriptions: { email: { marketing: { consent } } },
									},
								},
							],
						},
					},
					relationships: { list: { data: { type: 'list', id: 'Xy12Ab' } } },
				},
			});
			const c = await client.post('/api/profile-subscription-bulk-create-jobs/', body('profile-subscription-bulk-create-job', 'SUBSCRIBED'));
			expect(c.status).toBe(202);
			expect(c.data).toBe('');
			const d = await client.post('/api/profile-subscription-bulk-delete-jobs/', body('profile-subscription-bulk-delete-job', 'UNSUBSCRIBED'));
			expect(d.status).toBe(202);
			expect(fake.state.profiles[0].subscriptions.email.consent).toBe('UNSUBSCRIBED');
			expect(fake.state.jobs.map((j: { type: string }) => j.type)).toEqual([
				'profile-subscription-bulk-create-job',
				'profile-subscription-bulk-delete-job',
			]);
		});

		it('data-privacy-deletion-jobs: 202 empty, profile and its events removed', async () => {
			await client.post('/api/events/', event({ unique_id: 'x' }));
			const r = await client.post('/api/data-privacy-deletion-jobs/', {
				data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', attributes: { email: 'ada@example.com' } } } } },
			});
			expect(r.status).toBe(202);
			expect(r.data).toBe('');
			expect(fake.state.profiles).toHaveLength(0);
			expect(fake.state.events).toHaveLength(0);
		});

		it('PATCH /api/profiles/:id: 200, 404 when unknown', async () => {
			const c = await client.post('/api/profile-import/', profile({ email: 'a@example.com' }));
			const id = c.data.data.id;
			const r = await client.patch(`/api/profiles/${id}/`, profile({ first_name: 'Ann' }, id));
			expect(r.status).toBe(200);
			expect(r.data.data.attributes.first_name).toBe('Ann');
			const missing = await client.patch('/api/profiles/01ZZZZZZZZZZZZZZZZZZZZZZZZ/', profile({ first_name: 'x' }, '01ZZZZZZZZZZZZZZZZZZZZZZZZ'));
			expect(missing.status).toBe(404);
		});
	});

	describe('GET /api/profiles (filter)', () => {
		const get = (params: Record<string, string>) => client.get('/api/profiles/', { params });

		it('equals(external_id,"…") finds exactly that profile; sparse fields keep only what was asked for', async () => {
			await client.post('/api/profile-import/', profile({ external_id: '42', email: 'ext@example.com', first_name: 'Ext' }));
			await client.post('/api/profile-import/', profile({ external_id: '43', email: 'other@example.com' }));
			const r = await get({ filter: 'equals(external_id,"42")', 'fields[profile]': 'external_id' });
			expect(r.status).toBe(200);
			expect(r.data.data).toHaveLength(1);
			expect(r.data.data[0]).toMatchObject({ type: 'profile', id: expect.any(String), attributes: { external_id: '42' } });
			expect(Object.keys(r.data.data[0].attributes)).toEqual(['external_id']);
			expect(r.data.links).toMatchObject({ next: null, prev: null });
			const full = await get({ filter: 'equals(email,"ext@example.com")' });
			expect(full.data.data[0].attributes).toMatchObject({ email: 'ext@example.com', first_name: 'Ext', external_id: '42' });
		});

		it('an unknown external_id → 200 with no profiles', async () => {
			const r = await get({ filter: 'equals(external_id,"999")' });
			expect(r.status).toBe(200);
			expect(r.data.data).toEqual([]);
		});

		it('any(field,[…]) matches several values', async () => {
			await client.post('/api/profile-import/', profile({ external_id: '1' }));
			await client.post('/api/profile-import/', profile({ external_id: '2' }));
			const r = await get({ filter: 'any(external_id,["1","2","3"])' });
			expect(r.status).toBe(200);
			expect(r.data.data.map((p: any) => p.attributes.external_id).sort()).toEqual(['1', '2']);
		});

		it.each([
			['equals(external_id,42)', /quoted/],
			["equals(external_id,'42')", /quoted/],
			['equals(external_id,"42"', /Invalid filter/],
			['equal(external_id,"42")', /operator/],
			['equals(first_name,"Ann")', /'first_name' is not a valid filter field/],
			['equals(external_id,"4"2")', /Invalid filter/],
			['greater-than(external_id,"1")', /operator/],
			['equals(external_id , "42")', /Invalid filter/],
			['', /Invalid filter/],
		])('filter %s → 400 with source.parameter "filter"', async (filter, detail) => {
			const r = await get({ filter });
			expect(r.status).toBe(400);
			expect(r.data.errors[0]).toMatchObject({ code: 'invalid', source: { parameter: 'filter' } });
			expect(r.data.errors[0].detail).toMatch(detail);
		});

		it('rejects a bad page size, an unknown sparse field and an unknown query parameter', async () => {
			expect((await get({ filter: 'equals(external_id,"1")', 'page[size]': '101' })).data.errors[0].source).toEqual({ parameter: 'page[size]' });
			expect((await get({ filter: 'equals(external_id,"1")', 'page[size]': '0' })).status).toBe(400);
			expect((await get({ filter: 'equals(external_id,"1")', 'page[size]': '100' })).status).toBe(200);
			expect((await get({ 'fields[profile]': 'external_id,shoe_size' })).data.errors[0].source).toEqual({ parameter: 'fields[profile]' });
			const unknown = await get({ external_id: '1' });
			expect(unknown.status).toBe(400);
			expect(unknown.data.errors[0].source).toEqual({ parameter: 'external_id' });
		});

		it('the profile found by external_id can be deleted by its id', async () => {
			await client.post('/api/profile-import/', profile({ external_id: '77' }));
			const found = await get({ filter: 'equals(external_id,"77")' });
			const id = found.data.data[0].id;
			const del = await client.post('/api/data-privacy-deletion-jobs/', {
				data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', id, attributes: {} } } } },
			});
			expect(del.status).toBe(202);
			expect((await get({ filter: 'equals(external_id,"77")' })).data.data).toEqual([]);
			expect(fake.state.jobs.at(-1)).toMatchObject({ type: 'data-privacy-deletion-job', profileFound: true, profileId: id });
		});
	});

	describe('fault injection', () => {
		it('status fault for the first N matching requests; faulted requests do not touch state', async () => {
			fake.setFaults([{ path: '/api/events', status: 503, count: 2, retryAfter: 3 }]);
			const a = await client.post('/api/events/', event({ unique_id: 'f1' }));
			const b = await client.post('/api/events/', event({ unique_id: 'f1' }));
			const c = await client.post('/api/events/', event({ unique_id: 'f1' }));
			expect([a.status, b.status, c.status]).toEqual([503, 503, 202]);
			expect(a.headers['retry-after']).toBe('3');
			expect(fake.state.events).toHaveLength(1);
			expect(fake.state.duplicatesDropped).toBe(0);
		});

		it('every Nth, method filter and matchBody', async () => {
			fake.setFaults([{ path: '/api/', method: 'POST', every: 2, status: 500, matchBody: 'flaky' }]);
			const s: number[] = [];
			for (let i = 0; i < 4; i++) s.push((await client.post('/api/events/', event({ unique_id: `flaky-${i}` }))).status);
			expect(s).toEqual([202, 500, 202, 500]);
			expect((await client.post('/api/events/', event({ unique_id: 'solid' }))).status).toBe(202);
			expect((await client.get('/api/accounts/')).status).toBe(200);
		});

		it('429 fault with Retry-After and throttled error; 524 is an HTML page', async () => {
			fake.setFaults([
				{ path: '/api/events', status: 429, retryAfter: 0, count: 1 },
				{ path: '/api/profile-import', status: 524, count: 1 },
			]);
			const r = await client.post('/api/events/', event());
			expect(r.status).toBe(429);
			expect(r.headers['retry-after']).toBe('0');
			expect(r.data.errors[0].code).toBe('throttled');
			const g = await client.post('/api/profile-import/', profile({ email: 'a@example.com' }));
			expect(g.status).toBe(524);
			expect(g.headers['content-type']).toContain('text/html');
		});

		it('probability 0 never fires, 1 always fires', async () => {
			fake.setFaults([{ path: '/api/events', status: 502, probability: 0 }]);
			expect((await client.post('/api/events/', event({ unique_id: 'p0' }))).status).toBe(202);
			fake.setFaults([{ path: '/api/events', status: 502, probability: 1 }]);
			expect((await client.post('/api/events/', event({ unique_id: 'p1' }))).status).toBe(502);
		});

		it("mode 'reset' destroys the socket", async () => {
			fake.setFaults([{ path: '/api/events', mode: 'reset', count: 1 }]);
			await expect(client.post('/api/events/', event())).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE|ECONNABORTED/) });
			expect((await client.post('/api/events/', event())).status).toBe(202);
			expect(fake.state.events).toHaveLength(1);
		});

		it("mode 'timeout' never answers; with hangMs + status answers late", async () => {
			fake.setFaults([{ path: '/api/events', mode: 'timeout', count: 1 }]);
			await expect(client.post('/api/events/', event(), { timeout: 300 })).rejects.toMatchObject({ code: 'ECONNABORTED' });
			expect(fake.state.events).toHaveLength(0);
			fake.setFaults([{ path: '/api/events', mode: 'timeout', hangMs: 150, status: 504, count: 1 }]);
			const t = Date.now();
			const r = await client.post('/api/events/', event());
			expect(r.status).toBe(504);
			expect(Date.now() - t).toBeGreaterThanOrEqual(140);
		});

		it('admin endpoints set, list and clear faults', async () => {
			const set = await axios.post(`${url}/__admin/faults`, [{ path: '/api/accounts', status: 500 }]);
			expect(set.data).toHaveLength(1);
			expect((await client.get('/api/accounts/')).status).toBe(500);
			expect((await axios.get(`${url}/__admin/faults`)).data[0]).toMatchObject({ hits: 1 });
			await axios.delete(`${url}/__admin/faults`);
			expect((await client.get('/api/accounts/')).status).toBe(200);
		});

		it('time-windowed 429: every matching request within N s gets 429 with the seconds left as Retry-After', async () => {
			fake.setFaults([{ path: '/api/events', status: 429, windowSeconds: 1 }]);
			const body = event({ unique_id: 'w1' });
			const first = await client.post('/api/events/', body);
			expect(first.status).toBe(429);
			expect(first.headers['retry-after']).toBe('1');
			expect(first.data.errors[0]).toMatchObject({ code: 'throttled' });
			const early = await client.post('/api/events/', body); // a retry that ignores Retry-After
			expect(early.status).toBe(429);
			expect((await client.get('/api/accounts/')).status).toBe(200); // other paths are not affected
			await new Promise((r) => setTimeout(r, 1050));
			const late = await client.post('/api/events/', body);
			expect(late.status).toBe(202);
			expect(fake.state.events).toHaveLength(1);
			expect(fake.state.requests['POST /api/events']).toEqual({ 202: 1, 429: 2 });
			// the window closed for good: further requests pass
			expect((await client.post('/api/events/', event({ unique_id: 'w2' }))).status).toBe(202);
		});

		it('time-windowed fault with its own Retry-After, opened at install time', async () => {
			fake.setFaults([{ path: '/api/profile-import', status: 429, windowSeconds: 0.3, retryAfter: 7, windowFrom: 'install' }]);
			const r = await client.post('/api/profile-import/', profile({ email: 'w@example.com' }));
			expect(r.status).toBe(429);
			expect(r.headers['retry-after']).toBe('7');
			await new Promise((res) => setTimeout(res, 320));
			expect((await client.post('/api/profile-import/', profile({ email: 'w@example.com' }))).status).toBe(201);
		});

		it('records every request with its arrival time, answer and Retry-After, and finds retries earlier than Retry-After', async () => {
			fake.setFaults([{ path: '/api/events', status: 429, retryAfter: 1, count: 2 }]);
			const body = event({ unique_id: 'log-1' });
			const t0 = Date.now();
			expect((await client.post('/api/events/', body)).status).toBe(429);
			expect((await client.post('/api/events/', body)).status).toBe(429); // too early
			await new Promise((r) => setTimeout(r, 1020));
			expect((await client.post('/api/events/', body)).status).toBe(202); // waited long enough
			await client.post('/api/events/', event({ unique_id: 'log-2' }));
			const log = (fake as any).requestLog as Array<Record<string, any>>;
			expect(log.map((e) => [e.seq, e.status, e.retryAfter, e.fault])).toEqual([
				[1, 429, 1, 'fault-1'],
				[2, 429, 1, 'fault-1'],
				[3, 202, undefined, undefined],
				[4, 202, undefined, undefined],
			]);
			expect(log[0]).toMatchObject({ method: 'POST', path: '/api/events/', route: 'POST /api/events' });
			expect(log[0].at).toBeGreaterThanOrEqual(t0);
			expect(log[2].at - log[1].at).toBeGreaterThanOrEqual(1000);
			expect(log[0].bodySha).toBe(log[2].bodySha);
			expect(log[3].bodySha).not.toBe(log[0].bodySha);
			// each event request names its unique_id, the throttled ones too: sends per event can be counted
			expect(log.map((e) => e.uniqueId)).toEqual(['log-1', 'log-1', 'log-1', 'log-2']);
			expect(JSON.stringify(log)).not.toContain('ada@example.com'); // no body, no PII
			const early = (fake as any).earlyRetries() as Array<Record<string, any>>;
			expect(early).toHaveLength(1);
			expect(early[0]).toMatchObject({ seq: 2, after: 1, retryAfter: 1 });
			expect(early[0].earlyByMs).toBe(log[0].at + 1000 - log[1].at); // how much sooner than Retry-After allowed
			expect(early[0].earlyByMs).toBeGreaterThan(0);
			const admin = (await axios.get(`${url}/__admin/early-retries`)).data;
			expect(admin.count).toBe(1);
			expect((await axios.get(`${url}/__admin/requests`)).data.count).toBe(4);
			fake.reset();
			expect((fake as any).requestLog).toEqual([]);
		});

		it('the rate limiter\'s own 429s are logged with their Retry-After', async () => {
			const s = await startFake({ rateLimitScale: 1 / 350 }); // events: 1/s
			try {
				expect((await s.client.post('/api/events/', event({ unique_id: 'a' }))).status).toBe(202);
				const r = await s.client.post('/api/events/', event({ unique_id: 'b' }));
				expect(r.status).toBe(429);
				const log = s.fake.requestLog as Array<Record<string, any>>;
				expect(log[1]).toMatchObject({ status: 429, retryAfter: Number(r.headers['retry-after']) });
			} finally {
				await s.fake.stop();
			}
		});

		it.each<number | string>([500, 'reset', 'timeout'])('afterStore %s: the request is stored, then its answer is lost; the retry creates nothing twice', async (afterStore) => {
			fake.setFaults([{ path: '/api/events', afterStore, hangMs: 200, count: 1 }]);
			const body = event({ unique_id: 'lost-1' });
			if (afterStore === 500) {
				const r = await client.post('/api/events/', body);
				expect(r.status).toBe(500);
			} else {
				await expect(client.post('/api/events/', body, { timeout: afterStore === 'timeout' ? 100 : 0 })).rejects.toBeDefined();
			}
			expect(fake.state.events).toHaveLength(1); // stored although the client saw a failure
			expect((await client.post('/api/events/', body)).status).toBe(202); // the retry
			expect(fake.state.events).toHaveLength(1);
			expect(fake.state.duplicatesDropped).toBe(1);
			expect(fake.state.requests['POST /api/events']).toEqual({ [`lost-${afterStore}`]: 1, 202: 1 });
			expect((fake as any).requestLog[0]).toMatchObject({ status: `lost-${afterStore}`, storedStatus: 202, fault: 'fault-1' });
		});

		it('faults from options', async () => {
			const s = await startFake({ rateLimits: false, faults: [{ path: '/api/accounts', status: 500, count: 1 }] });
			try {
				expect((await s.client.get('/api/accounts/')).status).toBe(500);
				expect((await s.client.get('/api/accounts/')).status).toBe(200);
			} finally {
				await s.fake.stop();
			}
		});
	});

	describe('admin inspection', () => {
		it('state, events filter, summary, reset', async () => {
			await client.post('/api/events/', event({ unique_id: '1' }));
			await client.post('/api/events/', event({ unique_id: '2', metric: { data: { type: 'metric', attributes: { name: 'Started Checkout' } } } }));
			await client.post('/api/events/', event({}, { phone_number: 'nope' }));
			const st = (await axios.get(`${url}/__admin/state`)).data;
			expect(st.events).toHaveLength(2);
			expect(st.profiles).toHaveLength(1);
			expect(st.requests['POST /api/events']).toEqual({ 202: 2, 400: 1 });
			expect(st.rejected).toHaveLength(1);
			expect(st.rejected[0].errors[0].pointer).toBe('/data/attributes/profile/data/attributes/phone_number');
			expect(st.duplicatesDropped).toBe(0);
			const ev = (await axios.get(`${url}/__admin/events`, { params: { metric: 'Placed Order' } })).data;
			expect(ev.count).toBe(1);
			expect(ev.events[0].unique_id).toBe('1');
			const summary = (await axios.get(`${url}/__admin/summary`)).data as string;
			expect(summary).toContain('Placed Order');
			expect(summary).toContain('Started Checkout');
			await axios.post(`${url}/__admin/reset`);
			expect((await axios.get(`${url}/__admin/state`)).data.events).toHaveLength(0);
		});
	});
});

describe('fake Klaviyo rate limits', () => {
	it('429 with Retry-After and RateLimit-* headers when the burst is exceeded', async () => {
		// events: burst 350/s, steady 3500/m → scale 0.01 → 3/s, 35/m
		const { fake, client } = await startFake({ rateLimitScale: 0.01 });
		try {
			const results = await Promise.all(Array.from({ length: 6 }, (_, i) => client.post('/api/events/', event({ unique_id: `r${i}` }))));
			const statuses = results.map((r) => r.status).sort();
			expect(statuses).toEqual([202, 202, 202, 429, 429, 429]);
			const ok = results.find((r) => r.status === 202)!;
			expect(ok.headers['ratelimit-limit']).toMatch(/^3\b/);
			expect(ok.headers['ratelimit-remaining']).toMatch(/^\d+$/);
			expect(ok.headers['ratelimit-reset']).toMatch(/^\d+$/);
			const limited = results.find((r) => r.status === 429)!;
			expect(limited.headers['retry-after']).toMatch(/^\d+$/);
			expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(1);
			expect(limited.headers['ratelimit-remaining']).toBe('0');
			expect(limited.data.errors[0]).toMatchObject({ status: 429, code: 'throttled' });
			expect(fake.state.events).toHaveLength(3);
			// after the 1 s window the burst allows more
			await new Promise((r) => setTimeout(r, 1050));
			expect((await client.post('/api/events/', event({ unique_id: 'later' }))).status).toBe(202);
		} finally {
			await fake.stop();
		}
	});

	it('steady per-minute limit applies too', async () => {
		// profile-import: 75/s, 750/m → scale 0.004 → 1/s (floor 0.3→1), 3/m
		const { fake, client } = await startFake({ rateLimitScale: 0.004 });
		try {
			const seq: number[] = [];
			for (let i = 0; i < 4; i++) {
				seq.push((await client.post('/api/profile-import/', profile({ email: `s${i}@example.com` }))).status);
				await new Promise((r) => setTimeout(r, 1010));
			}
			expect(seq).toEqual([201, 201, 201, 429]);
		} finally {
			await fake.stop();
		}
	}, 15000);
});
