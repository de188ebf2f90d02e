/* eslint-disable @typescript-eslint/no-explicit-any, @n8n/community-nodes/no-restricted-globals --
 * test code with a real clock against the fake Klaviyo (plain JavaScript), not part of the package */
/**
 * The Klaviyo transport against the in-process fake Klaviyo (real HTTP on 127.0.0.1, real clock):
 * answers lost after the request was stored, and time-windowed 429s.
 */
import { resetLimiters } from '../../../nodes/Klaviyo/transport/limiter';
import { sendOperation } from '../../../nodes/Klaviyo/transport/send';
import { eventBody, fakeContext, profileBody } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeKlaviyo } = require('../../fake-klaviyo/server');

let klaviyo: any;
let url: string;
const realSettings = (extra: Record<string, unknown> = {}) => ({
	sleep: async (ms: number) => await new Promise<void>((r) => setTimeout(r, ms)),
	random: () => 0,
	timeoutMs: 300,
	...extra,
});

beforeAll(async () => {
	klaviyo = createFakeKlaviyo({ rateLimits: false });
	({ url } = await klaviyo.start(0));
});
afterAll(async () => await klaviyo.stop());
beforeEach(() => {
	resetLimiters();
	klaviyo.reset();
	klaviyo.setFaults([]);
});

describe('stored, but the answer was lost', () => {
	it.each([500, 'reset', 'timeout'])('event: answer lost (%s) → retried → one event in Klaviyo', async (afterStore) => {
		klaviyo.setFaults([{ path: '/api/events', afterStore, count: 1 }]);
		const { ctx } = fakeContext({ credentials: { baseUrl: url } });
		const r = await sendOperation(ctx, 'event.create', eventBody({ uniqueId: 'shopify:order:1:placed' }), realSettings());
		expect(r).toMatchObject({ ok: true, status: 202, attempts: 2 });
		const state = klaviyo.state;
		expect(state.events).toHaveLength(1);
		expect(state.events[0].unique_id).toBe('shopify:order:1:placed');
		expect(state.duplicatesDropped).toBe(1);
		expect(state.requests['POST /api/events']).toEqual({ [`lost-${afterStore}`]: 1, 202: 1 });
	});

	it.each([500, 'reset', 'timeout'])('profile: answer lost (%s) → retried → the same profile is updated, not created twice', async (afterStore) => {
		klaviyo.setFaults([{ path: '/api/profile-import', afterStore, count: 1 }]);
		const { ctx } = fakeContext({ credentials: { baseUrl: url } });
		const r = await sendOperation(ctx, 'profile.upsert', profileBody({ first_name: 'Sarah' }), realSettings());
		expect(r).toMatchObject({ ok: true, status: 200, attempts: 2 }); // 200: updated by the retry
		expect(klaviyo.state.profiles).toHaveLength(1);
		expect(klaviyo.state.profiles[0]).toMatchObject({ email: 'sarah@example.com', first_name: 'Sarah' });
		expect(klaviyo.state.requests['POST /api/profile-import']).toEqual({ [`lost-${afterStore}`]: 1, 200: 1 });
	});

	it('bulk events: the job was stored but its answer lost → the retried job stores no event twice', async () => {
		klaviyo.setFaults([{ path: '/api/event-bulk-create-jobs', afterStore: 500, count: 1 }]);
		const { ctx } = fakeContext({ credentials: { baseUrl: url } });
		const events = ['a', 'b', 'c'].map((id) => {
			const body = eventBody({ uniqueId: `shopify:order:9:line:${id}`, metric: 'Ordered Product' });
			const { profile, ...attributes } = body.data.attributes as Record<string, any>;
			return { type: 'event', attributes, profile };
		});
		const job = {
			data: {
				type: 'event-bulk-create-job',
				attributes: {
					'events-bulk-create': {
						data: [{ type: 'event-bulk-create', attributes: { profile: events[0].profile, events: { data: events.map(({ type, attributes }) => ({ type, attributes })) } } }],
					},
				},
			},
		};
		const r = await sendOperation(ctx, 'bulk.createEvents', job, realSettings());
		expect(r).toMatchObject({ ok: true, status: 202, attempts: 2 });
		const state = klaviyo.state;
		expect(state.events.map((e: any) => e.unique_id).sort()).toEqual(['shopify:order:9:line:a', 'shopify:order:9:line:b', 'shopify:order:9:line:c']);
		expect(state.duplicatesDropped).toBe(3);
		expect(state.requests['POST /api/event-bulk-create-jobs']).toEqual({ 'lost-500': 1, 202: 1 });
	});
});

describe('time-windowed 429s (real clock)', () => {
	it('the client waits at least Retry-After, and a 429 holds later requests of the endpoint', async () => {
		klaviyo.setFaults([{ path: '/api/events', status: 429, windowSeconds: 1 }]);
		const { ctx } = fakeContext({ credentials: { baseUrl: url } });
		const first = sendOperation(ctx, 'event.create', eventBody({ uniqueId: 'a' }), realSettings());
		// a second request, started once the first has received its 429: held by the limiter's pause
		while (!klaviyo.requestLog.length) await new Promise((r) => setTimeout(r, 5));
		await new Promise((r) => setTimeout(r, 20));
		const second = sendOperation(ctx, 'event.create', eventBody({ uniqueId: 'b' }), realSettings());
		const results = await Promise.all([first, second]);
		expect(results.map((r) => [r.ok, r.attempts])).toEqual([
			[true, 2],
			[true, 1],
		]);
		expect(klaviyo.earlyRetries()).toEqual([]);
		expect(klaviyo.state.requests['POST /api/events']).toEqual({ 429: 1, 202: 2 });
		const log = klaviyo.requestLog as Array<{ at: number; status: unknown; retryAfter?: number }>;
		expect(log[0]).toMatchObject({ status: 429, retryAfter: 1 });
		for (const later of log.slice(1)) expect(later.at - log[0].at).toBeGreaterThanOrEqual(1000);
	});
});
