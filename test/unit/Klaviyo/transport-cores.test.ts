/**
 * The retry policy and the limiter, at the edges mutation testing found untested (test/MUTATION.md).
 */
import type { HttpOutcome } from '../../../nodes/Klaviyo/transport/retry';
import { computeDelayMs, headerValue, isSuccess, parseRetryAfterMs, withRetry } from '../../../nodes/Klaviyo/transport/retry';
import { EndpointLimiter, getLimiter, limiterKeys, mapWithConcurrency, resetLimiters } from '../../../nodes/Klaviyo/transport/limiter';

const res = (status: number, headers: Record<string, string | string[] | undefined> = {}): HttpOutcome => ({ kind: 'response', status, headers, body: undefined });

describe('retry policy edges', () => {
	it('success is 2xx responses only', () => {
		expect([199, 200, 202, 299, 300, 404].map((s) => isSuccess(res(s)))).toEqual([false, true, true, true, false, false]);
		expect(isSuccess({ kind: 'network', code: 'ECONNRESET', message: 'x', retryable: true })).toBe(false);
	});

	it('headers: case-insensitive, first of a list, undefined skipped', () => {
		expect(headerValue({ 'Retry-After': ['3', '9'] }, 'retry-after')).toBe('3');
		expect(headerValue({ 'retry-after': undefined, 'RETRY-AFTER': '4' }, 'Retry-After')).toBe('4');
		expect(headerValue({ other: '1' }, 'retry-after')).toBeUndefined();
	});

	it('Retry-After: blank → none, spaces trimmed, fractions rounded, junk → none, a past date → 0', () => {
		expect(parseRetryAfterMs({ 'retry-after': '   ' })).toBeUndefined();
		expect(parseRetryAfterMs({ 'retry-after': ' 5 ' })).toBe(5000);
		expect(parseRetryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
		expect(parseRetryAfterMs({ 'retry-after': '5s' })).toBeUndefined();
		expect(parseRetryAfterMs({ 'retry-after': 'x5' })).toBeUndefined();
		expect(parseRetryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, Date.parse('2015-10-21T07:29:00Z'))).toBe(0);
	});

	it('jitter is random × 250 ms on a Retry-After and random × jitterMs on a backoff', () => {
		const half = { maxDelayMs: 60_000, minDelayMs: 250, jitterMs: 1000, random: () => 0.5 };
		expect(computeDelayMs(1, res(429, { 'retry-after': '2' }), half)).toBe(2125);
		expect(computeDelayMs(1, res(429, { 'retry-after': '0' }), half)).toBe(375);
		expect(computeDelayMs(1, res(503), half)).toBe(1500);
		expect(computeDelayMs(2, res(503), { ...half, jitterMs: 100 })).toBe(3050);
	});

	it('an undefined policy field keeps its default (6 attempts)', async () => {
		let calls = 0;
		const r = await withRetry(
			async () => {
				calls++;
				return res(503);
			},
			{ sleep: async () => {}, maxAttempts: undefined, random: () => 0 },
		);
		expect([r.attempts, calls, r.exhausted]).toEqual([6, 6, true]);
	});
});

describe('limiter edges', () => {
	const clock = () => {
		let now = 1_000_000;
		return { now: () => now, advance: (ms: number) => (now += ms) };
	};

	it('RateLimit-Remaining 0 holds until reset; exactly 10 % left is not yet "low"; limit 0 is ignored', () => {
		const t = clock();
		const l = new EndpointLimiter({ burstPerSecond: 100, steadyPerMinute: 1000 }, t.now);
		l.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': '7' });
		expect(l.heldForMs()).toBe(7000);
		const m = new EndpointLimiter({ burstPerSecond: 100, steadyPerMinute: 1000 }, t.now);
		m.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '10', 'ratelimit-reset': '10' });
		expect([m.acquire(), m.acquire()]).toEqual([0, 0]);
		m.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '9', 'ratelimit-reset': '10' });
		expect(m.acquire()).toBe(1000); // 10 s spread over 9 + 1 requests
		const z = new EndpointLimiter({ burstPerSecond: 100, steadyPerMinute: 1000 }, t.now);
		z.observe({ 'ratelimit-limit': '0', 'ratelimit-remaining': '0', 'ratelimit-reset': '9' });
		expect(z.heldForMs()).toBe(0);
		// a negative Retry-After-like date in the past pauses nothing
		z.observe({ 'retry-after': '0' }, 429);
		expect(z.heldForMs()).toBe(0);
	});

	it('spacing applies only while the low window lasts and only after a first grant', () => {
		const t = clock();
		const l = new EndpointLimiter({ burstPerSecond: 100, steadyPerMinute: 1000 }, t.now);
		l.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '1', 'ratelimit-reset': '2' });
		expect(l.acquire()).toBe(0); // no earlier grant to space from
		expect(l.acquire()).toBe(1000);
		t.advance(5000); // the low window is over
		expect([l.acquire(), l.acquire()]).toEqual([0, 0]);
	});

	it('advertised windows: decimals and spaces parsed, only ever lowered, never below 1', () => {
		const l = new EndpointLimiter({ burstPerSecond: 10, steadyPerMinute: 100 });
		l.observe({ 'ratelimit-limit': '5, 5.5 ; w = 1, 50 ;w= 60.0' });
		expect(l.current()).toEqual({ burstPerSecond: 5, steadyPerMinute: 50 });
		l.observe({ 'ratelimit-limit': '0, 0;w=1, 0.5;w=60' });
		expect(l.current()).toEqual({ burstPerSecond: 5, steadyPerMinute: 50 });
		l.observe({ 'ratelimit-limit': '1, 1;w=1, 1.5;w=60' });
		expect(l.current()).toEqual({ burstPerSecond: 1, steadyPerMinute: 1 });
		const m = new EndpointLimiter({ burstPerSecond: 10, steadyPerMinute: 100 });
		m.observe({ 'ratelimit-limit': '10, 10;w=1, 100;w=60' });
		expect(m.current()).toEqual({ burstPerSecond: 10, steadyPerMinute: 100 });
		m.observe({ 'ratelimit-limit': '3;w=2' }); // a window we do not keep
		expect(m.current()).toEqual({ burstPerSecond: 10, steadyPerMinute: 100 });
	});

	it('the first number of RateLimit-Remaining counts, decimals included', () => {
		const t = clock();
		const l = new EndpointLimiter({ burstPerSecond: 100, steadyPerMinute: 1000 }, t.now);
		l.observe({ 'ratelimit-limit': 'limit=100', 'ratelimit-remaining': 'r=0.5', 'ratelimit-reset': '4' });
		expect(l.acquire()).toBe(0);
		expect(l.acquire()).toBe(2667); // 4 s / (0.5 + 1)
	});

	it('a bucket keeps exactly its capacity of grants: the window rolls one grant at a time', () => {
		const t = clock();
		const l = new EndpointLimiter({ burstPerSecond: 2, steadyPerMinute: 1000 }, t.now);
		expect([l.acquire(), l.acquire(), l.acquire(), l.acquire(), l.acquire()]).toEqual([0, 0, 1000, 1000, 2000]);
		t.advance(2500);
		expect(l.acquire()).toBe(0);
		expect(l.acquire()).toBe(500);
	});

	it('registry: reset forgets, keys list what is held', () => {
		resetLimiters();
		getLimiter('acct', 'POST /api/events', { burstPerSecond: 1, steadyPerMinute: 1 });
		getLimiter('acct', 'POST /api/events', { burstPerSecond: 9, steadyPerMinute: 9 });
		expect(limiterKeys()).toEqual(['acct|POST /api/events']);
		resetLimiters();
		expect(limiterKeys()).toEqual([]);
	});

	it('mapWithConcurrency: results by index across batches, empty input', async () => {
		expect(await mapWithConcurrency([1, 2, 3, 4, 5], 2, async (x, i) => `${x}:${i}`)).toEqual(['1:0', '2:1', '3:2', '4:3', '5:4']);
		expect(await mapWithConcurrency([], 2, async (x: number) => x)).toEqual([]);
		expect(await mapWithConcurrency([7], 0, async (x) => x * 2)).toEqual([14]);
	});
});
