import nock from 'nock';
import { describeFailure, scrubSecrets, toNodeApiError } from '../../../nodes/Klaviyo/transport/errors';
import { accountKeyOf, getLimiter, resetLimiters } from '../../../nodes/Klaviyo/transport/limiter';
import { ENDPOINTS } from '../../../nodes/Klaviyo/transport/endpoints';
import { classifyError, klaviyoRequest } from '../../../nodes/Klaviyo/transport/request';
import { sendOperation } from '../../../nodes/Klaviyo/transport/send';
import {
	BASE,
	eventBody,
	fakeContext,
	fakeTime,
	KEY,
	klaviyoError,
	NODE,
	openapi,
	profileBody,
	validBody,
} from './helpers';

let fake: ReturnType<typeof fakeContext>;
let time: ReturnType<typeof fakeTime>;
const settings = () => ({ sleep: time.sleep, now: time.now, random: () => 0, timeoutMs: 2000 });

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
	resetLimiters();
	fake = fakeContext();
	time = fakeTime();
});
afterEach(() => {
	// every request body sent validates against Klaviyo's OpenAPI
	expect(fake.invalid()).toEqual([]);
	expect(nock.pendingMocks()).toEqual([]);
	nock.cleanAll();
});

const api = () => nock(BASE);

/**
 * Real sockets for network failures (nock's replyWithError races with axios under load):
 * a local server that resets every connection, optionally answering normally after `failures` resets.
 */
// the lint forbids importing node built-ins in this package, even in tests
const http = jest.requireActual<typeof import('http')>('http');

async function resettingServer(failures: number) {
	let seen = 0;
	const server = http.createServer((req, res) => {
		seen++;
		if (seen <= failures) {
			req.socket.destroy();
			return;
		}
		res.writeHead(202);
		res.end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return { url: `http://127.0.0.1:${port}`, close: async () => await new Promise((r) => server.close(r)), seen: () => seen };
}

describe('klaviyoRequest', () => {
	it('sends JSON:API with the credential and returns 2xx at once', async () => {
		api()
			.post('/api/events', validBody('POST', '/api/events'))
			.matchHeader('content-type', /application\/vnd\.api\+json/)
			.matchHeader('accept', /application\/vnd\.api\+json/)
			.reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(r).toMatchObject({ ok: true, status: 202, attempts: 1, totalWaitMs: 0, notes: [] });
		expect(fake.sent[0].timeout).toBe(2000);
	});

	it('reads the credential once per node run and hands it to every request', async () => {
		api().post('/api/events').times(3).reply(202);
		for (let i = 0; i < 3; i++) await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(fake.credentialReads()).toBe(1);
		expect(fake.sent).toHaveLength(3);
		for (const sent of fake.sent) {
			expect(sent.credentialsDecrypted).toMatchObject({ type: 'klaviyoPrivateKeyApi', data: { privateKey: KEY } });
		}
	});

	it('returns the response body of profile-import', async () => {
		api()
			.post('/api/profile-import', validBody('POST', '/api/profile-import'))
			.reply(201, { data: { type: 'profile', id: '01PROFILE' } });
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody(), settings());
		expect(r).toMatchObject({ ok: true, status: 201, response: { data: { id: '01PROFILE' } } });
	});

	it.each([500, 502, 503, 504, 524])('retries %i with backoff until success', async (status) => {
		api().post('/api/events').times(2).reply(status, { errors: [] }).post('/api/events').reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(r).toMatchObject({ ok: true, status: 202, attempts: 3, totalWaitMs: 4000 });
		expect(time.waits).toEqual([1000, 3000]);
	});

	it('waits Retry-After seconds on 429', async () => {
		api()
			.post('/api/events')
			.reply(429, klaviyoError(429, 'Request was throttled.', { code: 'throttled' }), { 'Retry-After': '12' })
			.post('/api/events')
			.reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(r).toMatchObject({ ok: true, attempts: 2, totalWaitMs: 12000 });
		expect(time.waits).toEqual([12000]);
	});

	it('treats Retry-After: 0 as a short floor wait, not a busy loop', async () => {
		api()
			.post('/api/events')
			.times(3)
			.reply(429, klaviyoError(429, 'throttled'), { 'Retry-After': '0' })
			.post('/api/events')
			.reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(r).toMatchObject({ ok: true, attempts: 4 });
		expect(time.waits).toEqual([250, 250, 250]);
	});

	it('gives up after maxAttempts with the last status, attempts and a hint', async () => {
		api().post('/api/events').times(3).reply(503, klaviyoError(503, 'Service unavailable'));
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), { ...settings(), maxAttempts: 3 });
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.attempts).toBe(3);
		expect(r.error).toMatchObject({ status: 503, detail: 'Service unavailable' });
		expect(r.error.hint).toMatch(/gave up after 3 attempts/);
		expect(time.waits).toEqual([1000, 3000]);
	});

	it('caps each wait by maxDelay', async () => {
		api().post('/api/events').times(6).reply(500);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), { ...settings(), maxDelayMs: 5000 });
		expect(r).toMatchObject({ ok: false, attempts: 6, totalWaitMs: 1000 + 3000 + 5000 + 5000 + 5000 });
		expect(time.waits).toEqual([1000, 3000, 5000, 5000, 5000]);
	});

	it('retries a connection reset', async () => {
		nock.enableNetConnect('127.0.0.1');
		const server = await resettingServer(1);
		try {
			fake = fakeContext({ credentials: { baseUrl: server.url } });
			const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
			expect(r).toMatchObject({ ok: true, attempts: 2, totalWaitMs: 1000 });
			expect(server.seen()).toBe(2);
		} finally {
			await server.close();
			nock.disableNetConnect();
		}
	});

	it('retries a timeout, then reports it when attempts run out', async () => {
		api().post('/api/events').times(2).delay(300).reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), {
			...settings(),
			timeoutMs: 50,
			maxAttempts: 2,
		});
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.attempts).toBe(2);
		expect(r.error.code).toMatch(/ETIMEDOUT|ECONNABORTED/);
		expect(r.error.hint).toMatch(/gave up after 2 attempts/);
	});

	it.each([
		[400, /Klaviyo rejected the field "metric.name"/, '/data/attributes/metric/data/attributes/name'],
		[401, /check the private key in the Klaviyo credential/, undefined],
		[403, /lacks the scope events:write needed for POST \/api\/events/, undefined],
		[404, /not found/, undefined],
		[422, /Klaviyo rejected/, undefined],
	])('does not retry %i and explains it', async (status, hint, pointer) => {
		api()
			.post('/api/events')
			.reply(status, klaviyoError(status, `detail for ${status}`, pointer ? { pointer } : {}));
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.attempts).toBe(1);
		expect(time.waits).toEqual([]);
		expect(r.error.status).toBe(status);
		expect(r.error.detail).toBe(`detail for ${status}`);
		expect(r.error.hint).toMatch(hint);
		if (pointer) expect(r.error.pointer).toBe(pointer);
	});

	it('names the profile-import scope on 403', async () => {
		api().post('/api/profile-import').reply(403, klaviyoError(403, 'forbidden'));
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody(), settings());
		expect(!r.ok && r.error.hint).toBe('the key lacks the scope profiles:write needed for POST /api/profile-import');
	});

	it('reports rate-limiter waits in totalWaitMs (data privacy: 3/s)', async () => {
		api().post('/api/data-privacy-deletion-jobs').times(4).reply(202);
		const body = {
			data: {
				type: 'data-privacy-deletion-job',
				attributes: { profile: { data: { type: 'profile', attributes: { email: 'a@example.com' } } } },
			},
		};
		const results = [];
		for (let i = 0; i < 4; i++) results.push(await sendOperation(fake.ctx, 'dataPrivacy.deleteProfile', body, settings()));
		expect(results.map((r) => r.totalWaitMs)).toEqual([0, 0, 0, 1000]);
	});

	it('the credential\'s Processes Sharing the Limits gives this process its share (2 of data privacy\'s 3/s → 1/s)', async () => {
		fake = fakeContext({ credentials: { processesSharingLimits: 2 } });
		api().post('/api/data-privacy-deletion-jobs').times(3).reply(202);
		const body = {
			data: {
				type: 'data-privacy-deletion-job',
				attributes: { profile: { data: { type: 'profile', attributes: { email: 'a@example.com' } } } },
			},
		};
		const results = [];
		for (let i = 0; i < 3; i++) results.push(await sendOperation(fake.ctx, 'dataPrivacy.deleteProfile', body, settings()));
		expect(results.map((r) => r.totalWaitMs)).toEqual([0, 1250, 1250]); // its 1 per (1 s + SHARED_WINDOW_MARGIN_MS.burst)
	});
});

describe('Retry-After', () => {
	const throttled = (seconds: string) => [429, klaviyoError(429, 'Request was throttled.', { code: 'throttled' }), { 'Retry-After': seconds }] as const;
	const deletion = {
		data: {
			type: 'data-privacy-deletion-job',
			attributes: { profile: { data: { type: 'profile', attributes: { email: 'a@example.com' } } } },
		},
	};
	const DELETION = 'POST /api/data-privacy-deletion-jobs';
	const sharedLimiter = () => getLimiter(accountKeyOf(`${BASE}|${KEY}`), DELETION, ENDPOINTS[DELETION], time.now);

	it('waits a Retry-After longer than Max Delay in full', async () => {
		api().post('/api/events').reply(...throttled('120')).post('/api/events').reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), { ...settings(), maxDelayMs: 60_000 });
		expect(r).toMatchObject({ ok: true, attempts: 2, totalWaitMs: 120_000 });
		expect(time.waits).toEqual([120_000]);
	});

	it('fails the item at once, naming the ceiling, when Retry-After exceeds 15 min', async () => {
		api().post('/api/events').reply(...throttled('3600'));
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(time.waits).toEqual([]);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.attempts).toBe(1);
		expect(r.error).toMatchObject({ status: 429, code: 'retry_after_beyond_ceiling' });
		expect(r.error.message).toBe(
			'Klaviyo POST /api/events answered 429 with Retry-After 3600 s, beyond the 15 min ceiling (MAX_RETRY_AFTER_MS); not retried',
		);
	});

	it('a 429 holds the whole endpoint: the next request waits for Retry-After instead of earning a 429', async () => {
		const sentAt: number[] = [];
		const start = time.now();
		api()
			.post('/api/data-privacy-deletion-jobs')
			.reply(function () {
				sentAt.push(time.now() - start);
				return throttled('10');
			})
			.post('/api/data-privacy-deletion-jobs')
			.reply(function () {
				sentAt.push(time.now() - start);
				return [202];
			});
		const first = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfile', deletion, { ...settings(), maxAttempts: 1 });
		expect(first.ok).toBe(false);
		// another item (or another execution of this n8n) right after: held by the shared limiter
		const second = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfile', deletion, settings());
		expect(second).toMatchObject({ ok: true, attempts: 1, totalWaitMs: 10_000 });
		expect(sentAt).toEqual([0, 10_000]);
	});

	it('a request that reserved a slot before the 429 arrived reserves again instead of sending into it', async () => {
		const sentAt: number[] = [];
		const start = time.now();
		api()
			.post('/api/data-privacy-deletion-jobs')
			.times(4)
			.reply(function () {
				sentAt.push(time.now() - start);
				return [202];
			});
		// fill the 3/s burst, so the 4th request has to wait for a slot
		for (let i = 0; i < 3; i++) await sendOperation(fake.ctx, 'dataPrivacy.deleteProfile', deletion, settings());
		let pausedMeanwhile = false;
		const sleep = async (ms: number) => {
			await time.sleep(ms);
			if (!pausedMeanwhile) {
				// while it sleeps, another request of this account and endpoint receives 429, Retry-After 10
				pausedMeanwhile = true;
				sharedLimiter().observe({ 'Retry-After': '10' }, 429);
			}
		};
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfile', deletion, { ...settings(), sleep });
		expect(r).toMatchObject({ ok: true, attempts: 1 });
		expect(time.waits).toEqual([1000, 10_000]);
		expect(sentAt).toEqual([0, 0, 0, 11_000]);
	});

	it.each([6, 1])('a pause beyond the ceiling fails waiting requests without sending them (Max Attempts %i)', async (maxAttempts) => {
		sharedLimiter().observe({ 'Retry-After': '3600' }, 429);
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfile', deletion, { ...settings(), maxAttempts });
		expect(fake.sent).toHaveLength(0);
		expect(time.waits).toEqual([]);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.attempts).toBe(0);
		expect(r.error).toMatchObject({ status: 429, code: 'retry_after_beyond_ceiling' });
		expect(r.error.message).toBe(
			'Klaviyo POST /api/data-privacy-deletion-jobs not sent: the endpoint is paused for 3600 s by an earlier 429 (Retry-After), beyond the 15 min ceiling (MAX_RETRY_AFTER_MS)',
		);
	});

	it('Retry-After 0 is retried after the floor, repeatedly, without pausing other requests', async () => {
		api().post('/api/events').times(2).reply(...throttled('0')).post('/api/events').times(2).reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(r).toMatchObject({ ok: true, attempts: 3 });
		expect(time.waits).toEqual([250, 250]);
		const other = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(other).toMatchObject({ ok: true, attempts: 1, totalWaitMs: 0 });
	});
});

describe('special cases', () => {
	it('400 on /data/attributes/phone_number → retried once without it (profile-import)', async () => {
		const detail = 'Invalid phone number format (Example of a valid format: +12345678901)';
		api()
			.post('/api/profile-import', (b) => b.data.attributes.phone_number === '12')
			.reply(400, klaviyoError(400, detail, { pointer: '/data/attributes/phone_number' }))
			.post('/api/profile-import', (b) => !('phone_number' in b.data.attributes) && b.data.attributes.email)
			.reply(200, { data: { type: 'profile', id: '01P' } });
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody({ phone_number: '12' }), settings());
		expect(r).toMatchObject({ ok: true, status: 200, attempts: 2, notes: [`phone_number dropped: ${detail}`] });
	});

	it('400 on phone_number → removed from the event profile too', async () => {
		api()
			.post('/api/events')
			.reply(400, klaviyoError(400, 'Invalid phone number', { pointer: '/data/attributes/phone_number' }))
			.post('/api/events', (b) => {
				const attrs = b.data.attributes.profile.data.attributes;
				return !('phone_number' in attrs) && attrs.email === 'sarah@example.com';
			})
			.reply(202);
		const r = await sendOperation(fake.ctx, 'event.create', eventBody({ email: 'sarah@example.com', phone: '555' }), settings());
		expect(r).toMatchObject({ ok: true, attempts: 2, notes: ['phone_number dropped: Invalid phone number'] });
	});

	it('400 on a phone_number inside a bulk job removes exactly that one (JSON pointer)', async () => {
		const group = (email: string, phone: string) => ({
			type: 'event-bulk-create',
			attributes: {
				profile: { data: { type: 'profile', attributes: { email, phone_number: phone } } },
				events: {
					data: [
						{
							type: 'event',
							attributes: { properties: {}, metric: { data: { type: 'metric', attributes: { name: 'Viewed' } } } },
						},
					],
				},
			},
		});
		const body = {
			data: {
				type: 'event-bulk-create-job',
				attributes: { 'events-bulk-create': { data: [group('a@example.com', '+15005550006'), group('b@example.com', '12')] } },
			},
		};
		const pointer = '/data/attributes/events-bulk-create/data/1/attributes/profile/data/attributes/phone_number';
		nock(BASE)
			.post('/api/event-bulk-create-jobs')
			.reply(400, klaviyoError(400, 'Invalid phone number', { pointer }))
			.post('/api/event-bulk-create-jobs', (b) => {
				const groups = b.data.attributes['events-bulk-create'].data;
				return (
					groups[0].attributes.profile.data.attributes.phone_number === '+15005550006' &&
					!('phone_number' in groups[1].attributes.profile.data.attributes)
				);
			})
			.reply(202);
		const r = await sendOperation(fake.ctx, 'bulk.createEvents', body, settings());
		expect(r).toMatchObject({ ok: true, attempts: 2, notes: ['phone_number dropped: Invalid phone number'] });
	});

	it('a second phone 400 is a failure, not a loop', async () => {
		api()
			.post('/api/profile-import')
			.times(2)
			.reply(400, klaviyoError(400, 'Invalid phone number', { pointer: '/data/attributes/phone_number' }));
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody({ phone_number: '12' }), settings());
		expect(r).toMatchObject({ ok: false, attempts: 2 });
	});

	it('a 400 pointing elsewhere never drops the phone', async () => {
		api()
			.post('/api/profile-import', (b) => b.data.attributes.phone_number === '+15005550006')
			.reply(400, klaviyoError(400, "'colour' is not a valid field for the resource 'profile'.", { pointer: '/data/attributes/colour' }));
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody({ phone_number: '+15005550006' }), settings());
		expect(r).toMatchObject({ ok: false, attempts: 1, notes: [], error: { status: 400, pointer: '/data/attributes/colour' } });
		expect(fake.sent).toHaveLength(1);
	});

	it('a 400 without a pointer never drops the phone', async () => {
		api()
			.post('/api/events')
			.reply(400, { errors: [{ status: 400, code: 'invalid', title: 'Invalid input.', detail: 'Something is wrong.' }] });
		const r = await sendOperation(fake.ctx, 'event.create', eventBody({ email: 'a@example.com', phone: '+15005550006' }), settings());
		expect(r).toMatchObject({ ok: false, attempts: 1 });
		expect(fake.sent).toHaveLength(1);
	});

	it('the phone note never repeats the number, even when Klaviyo quotes it', async () => {
		api()
			.post('/api/profile-import')
			.reply(400, klaviyoError(400, 'Invalid phone number +19999999 for this account', { pointer: '/data/attributes/phone_number' }))
			.post('/api/profile-import')
			.reply(200, { data: { type: 'profile', id: '01P' } });
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody({ phone_number: '+19999999' }), settings());
		expect(r).toMatchObject({ ok: true, notes: ['phone_number dropped: Invalid phone number [redacted] for this account'] });
	});

	describe('rejected email', () => {
		const emailPointer = '/data/attributes/profile/data/attributes/email';

		it('400 on the event profile email → sent once more without it, by the phone that remains', async () => {
			api()
				.post('/api/events', (b) => b.data.attributes.profile.data.attributes.email === 'bad@example.com')
				.reply(400, klaviyoError(400, 'Invalid email address bad@example.com', { pointer: emailPointer }))
				.post('/api/events', (b) => {
					const attrs = b.data.attributes.profile.data.attributes;
					return !('email' in attrs) && attrs.phone_number === '+15005550006';
				})
				.reply(202);
			const r = await sendOperation(fake.ctx, 'event.create', eventBody({ email: 'bad@example.com', phone: '+15005550006' }), settings());
			expect(r).toMatchObject({ ok: true, status: 202, attempts: 2, notes: ['email dropped: Klaviyo rejected it (Invalid email address [redacted])'] });
			expect(JSON.stringify(r.notes)).not.toContain('bad@example.com');
		});

		it('400 on the profile-import email → sent once more by external_id', async () => {
			api()
				.post('/api/profile-import')
				.reply(400, klaviyoError(400, 'Invalid email address', { pointer: '/data/attributes/email' }))
				.post('/api/profile-import', (b) => !('email' in b.data.attributes) && b.data.attributes.external_id === '42')
				.reply(201, { data: { type: 'profile', id: '01P' } });
			const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody({ email: 'x@bad', external_id: '42' }), settings());
			expect(r).toMatchObject({ ok: true, status: 201, attempts: 2, notes: ['email dropped: Klaviyo rejected it (Invalid email address)'] });
		});

		it('email the only identifier → failure naming the field, without a second attempt', async () => {
			api()
				.post('/api/events')
				.reply(400, klaviyoError(400, 'Invalid email address', { pointer: emailPointer }));
			const r = await sendOperation(fake.ctx, 'event.create', eventBody({ email: 'bad@example.com' }), settings());
			expect(r).toMatchObject({
				ok: false,
				attempts: 1,
				error: { status: 400, pointer: emailPointer, hint: 'Klaviyo rejected the field "profile.email"' },
			});
			expect(r.notes).toEqual(['email rejected and kept: it is the only identifier (no phone_number or external_id to send instead)']);
			expect(fake.sent).toHaveLength(1);
		});

		it('a second email 400 is a failure, not a loop', async () => {
			api()
				.post('/api/profile-import')
				.times(2)
				.reply(400, klaviyoError(400, 'Invalid email address', { pointer: '/data/attributes/email' }));
			const body = profileBody({ email: 'x@bad', phone_number: '+15005550006' });
			// the second answer points at the email again although it is gone: nothing more to drop
			const r = await sendOperation(fake.ctx, 'profile.upsert', body, settings());
			expect(r).toMatchObject({ ok: false, attempts: 2 });
		});

		it('a subscription job keeps its email (the consent is about that address): failure, no retry', async () => {
			const body = {
				data: {
					type: 'profile-subscription-bulk-create-job',
					attributes: {
						profiles: {
							data: [
								{
									type: 'profile',
									attributes: {
										email: 'bad@example.com',
										phone_number: '+15005550006',
										subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } },
									},
								},
							],
						},
					},
				},
			};
			api()
				.post('/api/profile-subscription-bulk-create-jobs')
				.reply(400, klaviyoError(400, 'Invalid email address', { pointer: '/data/attributes/profiles/data/0/attributes/email' }));
			const r = await sendOperation(fake.ctx, 'subscription.subscribe', body, settings());
			expect(r).toMatchObject({ ok: false, attempts: 1 });
		});
	});

	it('409 duplicate_profile → re-sent to profile-import with data.id = duplicate_profile_id', async () => {
		api()
			.post('/api/profile-import', (b) => b.data.id === undefined)
			.reply(
				409,
				klaviyoError(409, 'A profile already exists with one of these identifiers.', {
					code: 'duplicate_profile',
					meta: { duplicate_profile_id: '01DUPLICATE' },
				}),
			)
			.post('/api/profile-import', (b) => b.data.id === '01DUPLICATE' && b.data.attributes.email === 'sarah@example.com')
			.reply(200, { data: { type: 'profile', id: '01DUPLICATE' } });
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody({ external_id: 'shopify-1' }), settings());
		expect(r).toMatchObject({
			ok: true,
			status: 200,
			attempts: 2,
			notes: ['duplicate_profile: updated existing profile 01DUPLICATE'],
		});
		expect(openapi.validate('ProfileUpsertQuery', fake.sent[1].body)).toEqual([]);
	});

	it('409 without duplicate_profile_id is a permanent failure', async () => {
		api().post('/api/profile-import').reply(409, klaviyoError(409, 'conflict', { code: 'conflict' }));
		const r = await sendOperation(fake.ctx, 'profile.upsert', profileBody(), settings());
		expect(r).toMatchObject({ ok: false, attempts: 1, error: { status: 409, code: 'conflict' } });
	});
});

describe('secrets', () => {
	it('never puts the private key in errors', async () => {
		api()
			.post('/api/events')
			.reply(401, klaviyoError(401, `Incorrect authentication credentials: Klaviyo-API-Key ${KEY}`));
		const r = await sendOperation(fake.ctx, 'event.create', eventBody(), settings());
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const error = toNodeApiError(NODE, r.error, [KEY], 0);
		const dump = JSON.stringify({ message: error.message, description: error.description, context: error.context, cause: error.cause, r });
		// the raw detail may echo the key; the NodeApiError must not
		expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(KEY);
		expect(dump.replace(JSON.stringify(r), '')).not.toContain(KEY);
		expect(error.message).toMatch(/HTTP 401/);
		expect(error.description).toMatch(/check the private key/);
	});

	it('scrubs Authorization headers and the key from anything attached', () => {
		const scrubbed = scrubSecrets(
			{ config: { headers: { Authorization: `Klaviyo-API-Key ${KEY}` } }, msg: `bad key ${KEY}` },
			[KEY],
		);
		expect(JSON.stringify(scrubbed)).not.toContain(KEY);
		expect(scrubbed.config.headers.Authorization).toBe('[redacted]');
	});

	it('a refused connection is retried, then reported without the key', async () => {
		nock.enableNetConnect('127.0.0.1');
		const server = await resettingServer(0);
		const url = server.url;
		await server.close(); // nothing listens there any more → ECONNREFUSED
		try {
			fake = fakeContext({ credentials: { baseUrl: url } });
			const r = await sendOperation(fake.ctx, 'event.create', eventBody(), { ...settings(), maxAttempts: 3 });
			expect(r.ok).toBe(false);
			if (r.ok) return;
			expect(r.attempts).toBe(3);
			expect(r.error.code).toBe('ECONNREFUSED');
			expect(JSON.stringify(r)).not.toContain(KEY);
			expect(JSON.stringify(toNodeApiError(NODE, r.error, [KEY]))).not.toContain(KEY);
		} finally {
			nock.disableNetConnect();
		}
	});
});

describe('classification', () => {
	it('recognises wrapped network errors', () => {
		expect(classifyError({ message: 'x', cause: { code: 'ETIMEDOUT' } })).toMatchObject({ retryable: true, code: 'ETIMEDOUT' });
		expect(classifyError(new Error('socket hang up'))).toMatchObject({ retryable: true, code: 'ECONNRESET' });
		expect(classifyError(new Error('timeout of 30000ms exceeded'))).toMatchObject({ retryable: true });
		expect(classifyError(new Error('certificate has expired'))).toMatchObject({ retryable: false });
		expect(classifyError({ response: { status: 503, headers: {}, data: {} } })).toMatchObject({ kind: 'response', status: 503 });
	});

	it('describeFailure without errors array still gives status', () => {
		const info = describeFailure(
			{ kind: 'response', status: 500, headers: {}, body: 'oops' },
			{ method: 'POST', path: '/api/events', scopes: ['events:write'] },
			{ attempts: 6, exhausted: true },
		);
		expect(info).toMatchObject({ status: 500, message: 'Klaviyo POST /api/events failed with HTTP 500' });
	});

	it('klaviyoRequest GET has no body', async () => {
		api().get('/api/accounts').reply(200, { data: [] });
		const r = await klaviyoRequest(fake.ctx, { method: 'GET', path: '/api/accounts' }, settings());
		expect(r.outcome).toMatchObject({ status: 200 });
		expect(fake.sent[0].body).toBeUndefined();
	});
});

describe('dataPrivacy.deleteProfileByExternalId', () => {
	const byExternalId = (externalId: unknown) => ({
		data: {
			type: 'data-privacy-deletion-job',
			attributes: { profile: { data: { type: 'profile', attributes: { external_id: externalId } } } },
		},
	});
	const lookup = (externalId: string) => ({
		filter: `equals(external_id,"${externalId}")`,
		'fields[profile]': 'external_id',
		'page[size]': '100',
	});
	const deletionById = (id: string) => ({
		data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', id, attributes: {} } } } },
	});

	it('looks the profile up by external_id, then requests its deletion by profile id', async () => {
		api()
			.get('/api/profiles')
			.query(lookup('5'))
			.reply(200, { data: [{ type: 'profile', id: '01PROFILE', attributes: { external_id: '5' } }], links: { self: 'x', next: null, prev: null } })
			.post('/api/data-privacy-deletion-jobs', deletionById('01PROFILE'))
			.reply(202);
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfileByExternalId', byExternalId('5'), settings());
		expect(r).toMatchObject({
			ok: true,
			status: 202,
			attempts: 2,
			notes: ['external_id matched 1 Klaviyo profile (01PROFILE); deletion requested'],
			body: byExternalId('5'),
		});
		expect(fake.sent.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /api/profiles', 'POST /api/data-privacy-deletion-jobs']);
		expect(openapi.validate('DataPrivacyCreateDeletionJobQuery', fake.sent[1].body)).toEqual([]);
		expect(JSON.stringify(fake.sent[1].body)).not.toContain('external_id');
	});

	it('a customer Klaviyo does not know → success, nothing to delete, no deletion job', async () => {
		api().get('/api/profiles').query(lookup('404')).reply(200, { data: [], links: { self: 'x', next: null, prev: null } });
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfileByExternalId', byExternalId('404'), settings());
		expect(r).toMatchObject({ ok: true, status: 200, attempts: 1, notes: ['no Klaviyo profile has this external_id; nothing to delete'] });
		expect(fake.sent).toHaveLength(1);
	});

	it('every profile holding the external_id is deleted', async () => {
		api()
			.get('/api/profiles')
			.query(lookup('7'))
			.reply(200, { data: [{ type: 'profile', id: '01A' }, { type: 'profile', id: '01B' }], links: { next: null } })
			.post('/api/data-privacy-deletion-jobs', deletionById('01A'))
			.reply(202)
			.post('/api/data-privacy-deletion-jobs', deletionById('01B'))
			.reply(202);
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfileByExternalId', byExternalId(7), settings());
		expect(r).toMatchObject({ ok: true, attempts: 3, notes: ['external_id matched 2 Klaviyo profiles (01A, 01B); deletion requested'] });
	});

	it('a failed lookup fails the item with the original body (a replay looks up again), naming the read scope on 403', async () => {
		api().get('/api/profiles').query(true).reply(403, klaviyoError(403, 'You do not have permission to perform this action.'));
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfileByExternalId', byExternalId('5'), settings());
		expect(r).toMatchObject({ ok: false, attempts: 1, body: byExternalId('5'), error: { status: 403 } });
		expect(!r.ok && r.error.hint).toMatch(/profiles:read/);
	});

	it('a failed deletion job fails the item with the original body', async () => {
		api()
			.get('/api/profiles')
			.query(true)
			.reply(200, { data: [{ type: 'profile', id: '01P' }], links: { next: null } })
			.post('/api/data-privacy-deletion-jobs')
			.reply(400, klaviyoError(400, 'bad', { pointer: '/data/attributes/profile/data/id' }));
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfileByExternalId', byExternalId('5'), settings());
		expect(r).toMatchObject({ ok: false, attempts: 2, body: byExternalId('5'), error: { status: 400 } });
	});

	it.each([
		[undefined, /external_id is missing/],
		['  ', /external_id is missing/],
		['a"b', /double quote or backslash/],
	])('external_id %p → fails without calling Klaviyo', async (externalId, message) => {
		const r = await sendOperation(fake.ctx, 'dataPrivacy.deleteProfileByExternalId', byExternalId(externalId), settings());
		expect(r).toMatchObject({ ok: false, attempts: 0 });
		expect(!r.ok && r.error.message).toMatch(message);
		expect(fake.sent).toHaveLength(0);
	});
});
