import {
	accountKeyOf,
	EndpointLimiter,
	getLimiter,
	limiterKeys,
	mapWithConcurrency,
	normalizeShare,
	resetLimiters,
	SHARED_WINDOW_MARGIN_MS,
	shareOf,
} from '../../../nodes/Klaviyo/transport/limiter';
import { fakeTime, KEY } from './helpers';

/** Acquire n slots, sleeping as told; returns the send times relative to the start. */
async function sendTimes(limiter: EndpointLimiter, t: ReturnType<typeof fakeTime>, n: number) {
	const start = t.now();
	const times: number[] = [];
	for (let i = 0; i < n; i++) {
		const wait = limiter.acquire();
		if (wait > 0) await t.sleep(wait);
		times.push(t.now() - start);
	}
	return times;
}

describe('rate limiter', () => {
	beforeEach(() => resetLimiters());

	it('lets a burst through, then waits for the 1 s window to roll', async () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 10, steadyPerMinute: 150 }, t.now);
		const times = await sendTimes(limiter, t, 12);
		expect(times.slice(0, 10)).toEqual(new Array(10).fill(0));
		expect(times.slice(10)).toEqual([1000, 1000]);
	});

	it('enforces the steady (per-minute) limit after the burst allowance is used', async () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 10, steadyPerMinute: 150 }, t.now);
		const times = await sendTimes(limiter, t, 170);
		// 150 in bursts of 10 per second ...
		expect(times[149]).toBe(14_000);
		// ... then nothing until the first grant leaves the 60 s window
		expect(times[150]).toBe(60_000);
		expect(times[160]).toBe(61_000);
		// never more than 10 in any 1 s window, never more than 150 in any 60 s window
		for (let i = 10; i < times.length; i++) expect(times[i] - times[i - 10]).toBeGreaterThanOrEqual(1000);
		for (let i = 150; i < times.length; i++) expect(times[i] - times[i - 150]).toBeGreaterThanOrEqual(60_000);
	});

	it('hands concurrent callers increasing waits (reservations)', () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 3, steadyPerMinute: 60 }, t.now);
		const waits = [1, 2, 3, 4, 5, 6, 7].map(() => limiter.acquire());
		expect(waits).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
	});

	it('slows down when RateLimit-Remaining is low and holds when it is 0', () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now);
		expect(limiter.acquire()).toBe(0);
		limiter.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '3', 'ratelimit-reset': '8' });
		expect(limiter.acquire()).toBe(2000); // 8 s spread over the 3 remaining (+1)
		t.advance(2000);
		expect(limiter.acquire()).toBe(2000);
		limiter.observe({ 'RateLimit-Limit': '100', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '30' });
		expect(limiter.acquire()).toBeGreaterThanOrEqual(30_000);
	});

	it('adopts a smaller budget advertised in RateLimit-Limit windows, never a larger one', () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now);
		limiter.observe({ 'ratelimit-limit': '87, 87;w=1, 875;w=60', 'ratelimit-remaining': '80', 'ratelimit-reset': '1' });
		expect(limiter.current()).toEqual({ burstPerSecond: 87, steadyPerMinute: 875 });
		const waits = Array.from({ length: 88 }, () => limiter.acquire());
		expect(waits.slice(0, 87).every((w) => w === 0)).toBe(true);
		expect(waits[87]).toBe(1000); // the 88th in the same second waits for the advertised window
		limiter.observe({ 'ratelimit-limit': '1000, 1000;w=1, 10000;w=60', 'ratelimit-remaining': '999', 'ratelimit-reset': '1' });
		expect(limiter.current()).toEqual({ burstPerSecond: 87, steadyPerMinute: 875 });
		// other windows and malformed values are ignored
		limiter.observe({ 'ratelimit-limit': '5;w=3600, abc;w=1', 'ratelimit-remaining': '5', 'ratelimit-reset': '1' });
		expect(limiter.current()).toEqual({ burstPerSecond: 87, steadyPerMinute: 875 });
	});

	it('a 429 with Retry-After pauses the endpoint until it has passed', () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now);
		expect(limiter.heldForMs()).toBe(0);
		limiter.observe({ 'Retry-After': '30' }, 429);
		expect(limiter.heldForMs()).toBe(30_000);
		expect(limiter.acquire()).toBe(30_000);
		expect(limiter.acquire()).toBe(30_000); // every caller, not only the one that got the 429
		t.advance(12_000);
		expect(limiter.heldForMs()).toBe(18_000);
		t.advance(18_000);
		expect(limiter.heldForMs()).toBe(0);
		// a shorter Retry-After never shortens a pause in force
		limiter.observe({ 'retry-after': '10' }, 429);
		limiter.observe({ 'retry-after': '2' }, 429);
		expect(limiter.heldForMs()).toBe(10_000);
	});

	it('Retry-After 0, a Retry-After on a non-429 and a 429 without Retry-After pause nothing', () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now);
		limiter.observe({ 'Retry-After': '0' }, 429);
		limiter.observe({ 'Retry-After': '30' }, 503);
		limiter.observe({ 'Retry-After': '30' });
		limiter.observe({}, 429);
		expect(limiter.heldForMs()).toBe(0);
		expect(limiter.acquire()).toBe(0);
	});

	it('a Retry-After given as an HTTP date pauses until that date', () => {
		const t = fakeTime(Date.parse('2026-01-01T00:00:00Z'));
		const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now);
		limiter.observe({ 'Retry-After': 'Thu, 01 Jan 2026 00:00:45 GMT' }, 429);
		expect(limiter.heldForMs()).toBe(45_000);
	});

	it('ignores plentiful RateLimit-Remaining', () => {
		const t = fakeTime();
		const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now);
		limiter.observe({ 'ratelimit-limit': '350', 'ratelimit-remaining': '300', 'ratelimit-reset': '1' });
		expect([limiter.acquire(), limiter.acquire()]).toEqual([0, 0]);
	});

	it('is process-wide per account and endpoint, keyed by a hash, never the key', () => {
		const t = fakeTime();
		const account = accountKeyOf(KEY);
		const a = getLimiter(account, 'POST /api/events', { burstPerSecond: 1, steadyPerMinute: 15 }, t.now);
		const b = getLimiter(account, 'POST /api/events', { burstPerSecond: 1, steadyPerMinute: 15 }, t.now);
		const c = getLimiter(accountKeyOf('pk_other'), 'POST /api/events', { burstPerSecond: 1, steadyPerMinute: 15 }, t.now);
		expect(a).toBe(b);
		expect(a).not.toBe(c);
		expect(a.acquire()).toBe(0);
		expect(b.acquire()).toBe(1000);
		expect(c.acquire()).toBe(0);
		expect(account).toMatch(/^[0-9a-f]{16}$/);
		expect(limiterKeys().join(' ')).not.toContain(KEY);
	});

	describe('processes sharing the account (queue mode workers)', () => {
		it('each of N processes paces to 1/N of the documented burst and steady limits', async () => {
			const t = fakeTime();
			const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 2);
			expect(limiter.current()).toEqual({ burstPerSecond: 175, steadyPerMinute: 1750 });
			const times = await sendTimes(limiter, t, 1760);
			expect(times[174]).toBe(0);
			// the 176th waits for the next (slightly longer) second: SHARED_WINDOW_MARGIN_MS
			expect(times[175]).toBe(1000 + SHARED_WINDOW_MARGIN_MS.burst);
			expect(times[1749]).toBe(9 * (1000 + SHARED_WINDOW_MARGIN_MS.burst));
			expect(times[1750]).toBe(60_000 + SHARED_WINDOW_MARGIN_MS.steady); // this process's 1 750 of the minute are spent
			// a process alone uses Klaviyo's windows exactly
			expect((await sendTimes(new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 1), t, 351))[350]).toBe(1000);
		});

		it('N processes together never exceed the account limits in any 1 s or 60 s window, and reach them', async () => {
			const t = fakeTime();
			const share = 3;
			const limiters = Array.from({ length: share }, () => new EndpointLimiter({ burstPerSecond: 10, steadyPerMinute: 150 }, t.now, share));
			// every process sends as fast as its limiter lets it, interleaved on one clock
			const sent: number[] = [];
			const next = limiters.map(() => 0);
			while (sent.length < 300) {
				const i = next.indexOf(Math.min(...next));
				t.advance(Math.max(0, next[i] - t.now()));
				// acquire() reserves the next slot: the request goes out after the wait it returns
				next[i] = t.now() + limiters[i].acquire();
				sent.push(next[i]);
			}
			sent.sort((a, b) => a - b);
			const start = sent[0];
			// within Klaviyo's windows even if each request arrived up to the margin later than granted
			for (let i = 10; i < sent.length; i++) expect(sent[i] - sent[i - 10]).toBeGreaterThanOrEqual(1000 + SHARED_WINDOW_MARGIN_MS.burst);
			for (let i = 150; i < sent.length; i++) expect(sent[i] - sent[i - 150]).toBeGreaterThanOrEqual(60_000 + SHARED_WINDOW_MARGIN_MS.steady);
			// each gets floor(10/3) = 3/s and 50/min: 9/s and 150/min together (the burst rounds down)
			expect(sent.filter((x) => x < start + 60_000)).toHaveLength(150);
		});

		it('a smaller budget advertised by Klaviyo is shared too', () => {
			const t = fakeTime();
			const limiter = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 2);
			limiter.observe({ 'ratelimit-limit': '87, 87;w=1, 875;w=60', 'ratelimit-remaining': '80', 'ratelimit-reset': '1' });
			expect(limiter.current()).toEqual({ burstPerSecond: 43, steadyPerMinute: 437 });
		});

		it('what RateLimit-Remaining says is left is the account\'s: each process spreads only its share of it', () => {
			const t = fakeTime();
			const one = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 1);
			const two = new EndpointLimiter({ burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 2);
			for (const l of [one, two]) {
				l.acquire();
				l.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '6', 'ratelimit-reset': '8' });
			}
			expect(one.acquire()).toBe(Math.ceil(8000 / 7)); // 6 left (+1) over 8 s
			expect(two.acquire()).toBe(2000); // its 3 of the 6 left (+1) over 8 s
			// a 429's Retry-After pauses a sharing process exactly like a lone one
			two.observe({ 'Retry-After': '5' }, 429);
			expect(two.heldForMs()).toBe(5000);
		});

		it('the share is a whole number ≥ 1 (anything else counts as 1); a changed share gets its own limiter', () => {
			expect([normalizeShare(2), normalizeShare('3'), normalizeShare(2.7), normalizeShare(0), normalizeShare(-1), normalizeShare('x'), normalizeShare(undefined)]).toEqual([2, 3, 2, 1, 1, 1, 1]);
			expect([shareOf(350, 2), shareOf(3500, 3), shareOf(1, 4)]).toEqual([175, 1166, 1]);
			const t = fakeTime();
			const account = accountKeyOf(KEY);
			const alone = getLimiter(account, 'POST /api/events', { burstPerSecond: 350, steadyPerMinute: 3500 }, t.now);
			const shared = getLimiter(account, 'POST /api/events', { burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 2);
			expect(shared).not.toBe(alone);
			expect(getLimiter(account, 'POST /api/events', { burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 2)).toBe(shared);
			expect(getLimiter(account, 'POST /api/events', { burstPerSecond: 350, steadyPerMinute: 3500 }, t.now, 1)).toBe(alone);
			expect(shared.current()).toEqual({ burstPerSecond: 175, steadyPerMinute: 1750 });
			expect(limiterKeys().join(' ')).not.toContain(KEY);
		});
	});

	it('mapWithConcurrency never runs more than the limit at once and keeps order', async () => {
		let running = 0;
		let peak = 0;
		const result = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (x) => {
			running++;
			peak = Math.max(peak, running);
			await Promise.resolve();
			await Promise.resolve();
			running--;
			return x * 2;
		});
		expect(peak).toBe(3);
		expect(result).toEqual([2, 4, 6, 8, 10, 12, 14]);
	});
});
