import type { HttpOutcome } from '../../../nodes/Klaviyo/transport/retry';
import {
	computeDelayMs,
	MAX_RETRY_AFTER_MS,
	isRetryableOutcome,
	parseRetryAfterMs,
	withRetry,
} from '../../../nodes/Klaviyo/transport/retry';

const res = (status: number, headers: Record<string, string> = {}): HttpOutcome => ({
	kind: 'response',
	status,
	headers,
	body: undefined,
});
const net = (code: string): HttpOutcome => ({ kind: 'network', code, message: code, retryable: true });

const noJitter = { maxDelayMs: 60_000, minDelayMs: 250, jitterMs: 1000, random: () => 0 };
const fullJitter = { ...noJitter, random: () => 0.999 };

describe('retry policy', () => {
	it.each([429, 500, 502, 503, 504, 524, 408])('retries %i', (status) => {
		expect(isRetryableOutcome(res(status))).toBe(true);
	});

	it.each([200, 201, 202, 400, 401, 403, 404, 409, 422])('does not retry %i', (status) => {
		expect(isRetryableOutcome(res(status))).toBe(false);
	});

	it('retries retryable network failures only', () => {
		expect(isRetryableOutcome(net('ECONNRESET'))).toBe(true);
		expect(isRetryableOutcome({ kind: 'network', code: 'EPROTO', message: 'x', retryable: false })).toBe(false);
	});

	it('backs off exponentially: (2^n − 1) s, plus at most 1 s of jitter', () => {
		const base = [1, 2, 3, 4, 5].map((n) => computeDelayMs(n, res(503), noJitter));
		expect(base).toEqual([1000, 3000, 7000, 15000, 31000]);
		const jittered = [1, 2, 3, 4].map((n) => computeDelayMs(n, res(503), fullJitter));
		jittered.forEach((d, i) => {
			expect(d).toBeGreaterThanOrEqual(base[i]);
			expect(d).toBeLessThan(base[i] + 1000);
		});
	});

	it('caps the backoff by maxDelay', () => {
		expect(computeDelayMs(6, res(500), noJitter)).toBe(60_000);
		expect(computeDelayMs(10, res(500), { ...fullJitter, maxDelayMs: 5_000 })).toBe(5_000);
		expect(computeDelayMs(3, res(500), { ...noJitter, maxDelayMs: 2_000 })).toBe(2_000);
	});

	it('honours Retry-After seconds (with a little jitter)', () => {
		expect(computeDelayMs(1, res(429, { 'Retry-After': '7' }), noJitter)).toBe(7000);
		const d = computeDelayMs(1, res(429, { 'retry-after': '7' }), fullJitter);
		expect(d).toBeGreaterThanOrEqual(7000);
		expect(d).toBeLessThan(7250);
	});

	it('treats Retry-After: 0 as "retry soon" with a floor, never 0', () => {
		const d0 = computeDelayMs(4, res(429, { 'Retry-After': '0' }), noJitter);
		expect(d0).toBe(250);
		const d1 = computeDelayMs(4, res(429, { 'Retry-After': '0' }), fullJitter);
		expect(d1).toBeGreaterThanOrEqual(250);
		expect(d1).toBeLessThan(500);
	});

	it('waits a Retry-After longer than maxDelay in full (an earlier retry earns another 429)', () => {
		expect(computeDelayMs(1, res(429, { 'Retry-After': '120' }), noJitter)).toBe(120_000);
		expect(computeDelayMs(1, res(429, { 'Retry-After': '900' }), { ...noJitter, maxDelayMs: 5_000 })).toBe(900_000);
		// maxDelay still caps the backoff when there is no Retry-After
		expect(computeDelayMs(8, res(429), noJitter)).toBe(60_000);
	});

	it('withRetry waits the full Retry-After, up to the 15 min ceiling', async () => {
		expect(MAX_RETRY_AFTER_MS).toBe(900_000);
		const waits: number[] = [];
		const outcomes = [res(429, { 'Retry-After': '120' }), res(429, { 'Retry-After': '900' }), res(202)];
		const result = await withRetry(async () => outcomes.shift()!, {
			sleep: async (ms) => void waits.push(ms),
			random: () => 0,
			maxDelayMs: 60_000,
		});
		expect(waits).toEqual([120_000, 900_000]);
		expect(result).toMatchObject({ attempts: 3, exhausted: false, totalWaitMs: 1_020_000 });
		expect(result.retryAfterBeyondCeilingMs).toBeUndefined();
	});

	it('stops without waiting when Retry-After exceeds the ceiling, and says so', async () => {
		const sleep = jest.fn(async () => {});
		const result = await withRetry(async () => res(429, { 'Retry-After': '3600' }), { sleep, random: () => 0 });
		expect(sleep).not.toHaveBeenCalled();
		expect(result).toMatchObject({ attempts: 1, exhausted: false, retryAfterBeyondCeilingMs: 3_600_000 });
		const lower = await withRetry(async () => res(429, { 'Retry-After': '11' }), { sleep, maxRetryAfterMs: 10_000 });
		expect(lower).toMatchObject({ attempts: 1, retryAfterBeyondCeilingMs: 11_000 });
	});

	it('parses Retry-After as an HTTP date', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfterMs({ 'Retry-After': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
		expect(parseRetryAfterMs({}, now)).toBeUndefined();
		expect(parseRetryAfterMs({ 'Retry-After': 'soon' }, now)).toBeUndefined();
	});

	it('stops at maxAttempts and reports attempts and total wait', async () => {
		const waits: number[] = [];
		const calls: number[] = [];
		const result = await withRetry(
			async (attempt) => {
				calls.push(attempt);
				return res(503);
			},
			{ sleep: async (ms) => void waits.push(ms), maxAttempts: 4, random: () => 0 },
		);
		expect(calls).toEqual([1, 2, 3, 4]);
		expect(result.attempts).toBe(4);
		expect(result.exhausted).toBe(true);
		expect(waits).toEqual([1000, 3000, 7000]);
		expect(result.totalWaitMs).toBe(11000);
	});

	it('defaults to 6 attempts and 60 s max delay', async () => {
		const waits: number[] = [];
		const result = await withRetry(async () => res(500), { sleep: async (ms) => void waits.push(ms), random: () => 0 });
		expect(result.attempts).toBe(6);
		expect(waits).toEqual([1000, 3000, 7000, 15000, 31000]);
	});

	it('stops immediately on a permanent failure and after a success', async () => {
		const sleep = jest.fn(async () => {});
		const perm = await withRetry(async () => res(422), { sleep });
		expect(perm).toMatchObject({ attempts: 1, totalWaitMs: 0, exhausted: false });
		const outcomes = [res(429, { 'Retry-After': '2' }), net('ECONNRESET'), res(202)];
		const ok = await withRetry(async () => outcomes.shift()!, { sleep, random: () => 0 });
		expect(ok.attempts).toBe(3);
		expect(ok.waits).toEqual([2000, 3000]);
		expect(ok.outcome).toMatchObject({ status: 202 });
	});
});
