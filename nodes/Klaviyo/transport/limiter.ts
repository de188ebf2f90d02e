import { createHash } from 'node:crypto';
import type { EndpointSpec } from './endpoints';
import type { HeaderMap } from './retry';
import { headerValue, parseRetryAfterMs } from './retry';

/**
 * Client-side rate limiting shared by every execution in this n8n process.
 *
 * One limiter per (account, endpoint): the account is identified by a SHA-256 hash of the private
 * key (the key itself is never stored). Each limiter enforces the two limits Klaviyo documents per
 * endpoint — burst (per second) and steady (per minute) — plus a soft brake driven by the
 * RateLimit-* response headers, plus a pause: a 429 with `Retry-After` holds every request of that
 * account and endpoint until the Retry-After has passed (see `observe`). `acquire()` reserves a slot and returns how long the caller must
 * wait before sending; the caller sleeps (injected sleep), so this module never sets timers.
 *
 * Several n8n processes on one account (queue mode: N workers) share its limits without talking to
 * each other: each is told how many share them (`share`, the credential's "Processes Sharing the
 * Limits") and paces to 1/share of the documented burst and steady limits, of a smaller budget
 * Klaviyo advertises, and of what RateLimit-Remaining says is left; a 429's Retry-After pauses it as
 * before. The sum of the processes' sliding windows never exceeds the account's.
 *
 * The two limits are kept as token buckets whose tokens come back exactly one window after they
 * were spent (a sliding-window log of grants). A classic refilling bucket of capacity 150 and rate
 * 150/min would let 150 + 150 requests through in the first minute and earn 429s; this variant
 * never grants more than `burst` in any 1 s window nor more than `steady` in any 60 s window.
 */

export type Clock = () => number;

class WindowBucket {
	/** Grant times, oldest first, at most `capacity` kept */
	private readonly grants: number[] = [];

	constructor(
		private capacity: number,
		readonly windowMs: number,
	) {}

	get size(): number {
		return this.capacity;
	}

	/** Lower the capacity (never raise it above what was configured). */
	shrinkTo(capacity: number): void {
		if (capacity >= 1 && capacity < this.capacity) this.capacity = Math.floor(capacity);
	}

	/** Earliest time ≥ `at` at which a token is free. */
	availableAt(at: number): number {
		if (this.grants.length < this.capacity) return at;
		const oldest = this.grants[this.grants.length - this.capacity];
		return Math.max(at, oldest + this.windowMs);
	}

	take(at: number): void {
		this.grants.push(at);
		if (this.grants.length > this.capacity) this.grants.splice(0, this.grants.length - this.capacity);
	}
}

/**
 * When several processes share the limits, each window is this much longer than Klaviyo's: every
 * process's grants are spaced by its own clock, but they reach Klaviyo after a varying delay (event
 * loop, network), and two independent streams whose shares add up to exactly the limit then overlap
 * in Klaviyo's window now and then and earn a 429. Costs 1.6 % of the steady rate (61 s instead of 60 s)
 * and a fifth of the burst rate (which only binds for the first seconds of a minute).
 */
export const SHARED_WINDOW_MARGIN_MS = { burst: 250, steady: 1000 };

/** Below this share of RateLimit-Limit left, requests are spread out until RateLimit-Reset. */
export const LOW_REMAINING_RATIO = 0.1;

export class EndpointLimiter {
	private readonly burst: WindowBucket;

	private readonly steady: WindowBucket;

	/** No request before this time (set by a 429's Retry-After, or when RateLimit-Remaining reached 0) */
	private blockedUntil = 0;

	/** While now < spaceUntil, keep at least spacingMs between two grants */
	private spaceUntil = 0;

	private spacingMs = 0;

	private lastGrant = -Infinity;

	/** How many processes share the account's limits (this one paces to 1/share of them) */
	readonly share: number;

	constructor(
		readonly limits: Pick<EndpointSpec, 'burstPerSecond' | 'steadyPerMinute'>,
		private readonly clock: Clock = Date.now,
		share = 1,
	) {
		this.share = normalizeShare(share);
		// sharing processes send independent streams: a margin on each window absorbs the difference
		// between when a slot is granted here and when the request reaches Klaviyo (SHARED_WINDOW_MARGIN_MS)
		const margin = this.share > 1 ? SHARED_WINDOW_MARGIN_MS : { burst: 0, steady: 0 };
		this.burst = new WindowBucket(shareOf(limits.burstPerSecond, this.share), 1000 + margin.burst);
		this.steady = new WindowBucket(shareOf(limits.steadyPerMinute, this.share), 60_000 + margin.steady);
	}

	/** Reserve the next slot; returns the wait in ms before the request may be sent (0 = now). */
	acquire(): number {
		const now = this.clock();
		// FIFO: never grant before an earlier reservation.
		let at = Math.max(now, this.lastGrant, this.blockedUntil);
		if (at < this.spaceUntil && Number.isFinite(this.lastGrant)) {
			at = Math.max(at, this.lastGrant + this.spacingMs);
		}
		at = this.steady.availableAt(this.burst.availableAt(at));
		at = this.burst.availableAt(at);
		this.burst.take(at);
		this.steady.take(at);
		this.lastGrant = Math.max(this.lastGrant, at);
		return Math.max(0, Math.ceil(at - now));
	}

	/**
	 * How long from now every request is still held (a 429's Retry-After, RateLimit-Remaining 0), in
	 * ms; 0 when not held. A caller that slept for a reservation checks this before sending: a pause
	 * that began while it slept means it must reserve again rather than spend an attempt on a 429.
	 */
	heldForMs(): number {
		return Math.max(0, Math.ceil(this.blockedUntil - this.clock()));
	}

	/**
	 * Learn from a response. A 429 with `Retry-After: N` pauses the endpoint for this account: no
	 * request is granted before N s from now, so concurrent requests wait instead of each spending an
	 * attempt on another 429 (Retry-After 0 pauses nothing; the retry policy's floor applies).
	 * Then Klaviyo's RateLimit-Limit / -Remaining / -Reset headers (IETF draft style; only the
	 * first number of each is used): when little is left, spread the remaining requests over the time
	 * until reset; when nothing is left, hold every request until reset.
	 */
	observe(headers: HeaderMap, status?: number): void {
		if (status === 429) {
			const now = this.clock();
			const retryAfter = parseRetryAfterMs(headers, now);
			if (retryAfter !== undefined && retryAfter > 0) this.blockedUntil = Math.max(this.blockedUntil, now + retryAfter);
		}
		const limitHeader = headerValue(headers, 'ratelimit-limit');
		this.adoptAdvertisedWindows(limitHeader);
		const limit = firstNumber(limitHeader);
		const remaining = firstNumber(headerValue(headers, 'ratelimit-remaining'));
		const reset = firstNumber(headerValue(headers, 'ratelimit-reset'));
		if (limit === undefined || remaining === undefined || limit <= 0) return;
		const now = this.clock();
		const resetMs = Math.max(0, (reset ?? 1) * 1000);
		if (remaining <= 0) {
			this.blockedUntil = Math.max(this.blockedUntil, now + resetMs);
			return;
		}
		if (remaining < limit * LOW_REMAINING_RATIO) {
			// what is left is the account's: this process takes its share of it
			this.spaceUntil = now + resetMs;
			this.spacingMs = resetMs / (remaining / this.share + 1);
		}
	}

	private adoptAdvertisedWindows(limitHeader: string | undefined): void {
		for (const { limit, windowS } of windowsOf(limitHeader)) {
			if (!(limit >= 1)) continue; // an advertised window below one request is not a budget: ignored
			if (windowS === 1) this.burst.shrinkTo(shareOf(limit, this.share));
			else if (windowS === 60) this.steady.shrinkTo(shareOf(limit, this.share));
		}
	}

	/** The limits in force (documented, or lower when Klaviyo advertised less). */
	current(): { burstPerSecond: number; steadyPerMinute: number } {
		return { burstPerSecond: this.burst.size, steadyPerMinute: this.steady.size };
	}
}

/**
 * RateLimit-Limit may list the account's windows: "87, 87;w=1, 875;w=60". When Klaviyo advertises a
 * smaller budget than the documented one (an account whose limits are lower, or shared), pace to it
 * from then on instead of earning 429s. Only ever lowers the limits.
 */
function windowsOf(value: string | undefined): Array<{ limit: number; windowS: number }> {
	if (!value) return [];
	const out: Array<{ limit: number; windowS: number }> = [];
	for (const m of value.matchAll(/(\d+(?:\.\d+)?)\s*;\s*w\s*=\s*(\d+(?:\.\d+)?)/g)) {
		out.push({ limit: parseFloat(m[1]), windowS: parseFloat(m[2]) });
	}
	return out;
}

/** A whole number of sharing processes, at least 1 (anything else counts as 1). */
export function normalizeShare(share: unknown): number {
	const n = Math.floor(Number(share));
	return Number.isFinite(n) && n >= 1 ? n : 1;
}

/** One process's part of a limit shared by `share` processes (whole requests, at least 1). */
export function shareOf(limit: number, share: number): number {
	return Math.max(1, Math.floor(limit / normalizeShare(share)));
}

function firstNumber(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const match = /-?\d+(\.\d+)?/.exec(value);
	return match ? parseFloat(match[0]) : undefined;
}

const limiters = new Map<string, EndpointLimiter>();

/** Opaque account id: first 16 hex chars of SHA-256 of the private key. The key is not kept. */
export function accountKeyOf(privateKey: string): string {
	return createHash('sha256').update(privateKey).digest('hex').slice(0, 16);
}

/**
 * The process-wide limiter for this account and endpoint ("METHOD /path-template"), pacing to
 * 1/share of the limits (a changed share — the credential edited — starts a new limiter).
 */
export function getLimiter(
	accountKey: string,
	endpointKey: string,
	limits: Pick<EndpointSpec, 'burstPerSecond' | 'steadyPerMinute'>,
	clock?: Clock,
	share = 1,
): EndpointLimiter {
	const n = normalizeShare(share);
	const key = n === 1 ? `${accountKey}|${endpointKey}` : `${accountKey}|${endpointKey}|1/${n}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new EndpointLimiter(limits, clock, n);
		limiters.set(key, limiter);
	}
	return limiter;
}

/** For tests: forget every limiter. */
export function resetLimiters(): void {
	limiters.clear();
}

/** For tests: the keys currently held (must never contain a private key). */
export function limiterKeys(): string[] {
	return [...limiters.keys()];
}

/** Run `fn` over `items` with at most `concurrency` in flight (batches of Promise.all). */
export async function mapWithConcurrency<T, R>(
	items: T[],
	concurrency: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const size = Math.max(1, Math.floor(concurrency) || 1);
	const results: R[] = new Array(items.length);
	for (let start = 0; start < items.length; start += size) {
		const batch = items.slice(start, start + size);
		const done = await Promise.all(batch.map(async (item, offset) => await fn(item, start + offset)));
		done.forEach((r, offset) => (results[start + offset] = r));
	}
	return results;
}
