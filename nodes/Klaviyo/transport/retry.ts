/**
 * The retry policy, all of it in this module: which statuses and network failures are retried,
 * how many attempts, how long to wait between them, how long one attempt may take, the Retry-After
 * ceiling, and the one retry loop (withRetry) — also used by the recoveries in send.ts, which
 * resend a corrected body (phone, email, duplicate profile). The node's editor defaults
 * (actions/common.ts) are read from DEFAULT_RETRY_POLICY.
 *
 * Pure: no HTTP, no timers. The caller injects `sleep` (the node passes `sleep` from n8n-workflow;
 * tests pass a fake that records the waits) and `random` (for jitter).
 */

export type HeaderMap = Record<string, string | string[] | undefined>;

/** What one HTTP attempt produced. */
export type HttpOutcome =
	| { kind: 'response'; status: number; headers: HeaderMap; body: unknown }
	| { kind: 'network'; code: string; message: string; retryable: boolean };

/**
 * The longest `Retry-After` the node waits for: 15 minutes. Klaviyo's `Retry-After` is always
 * waited in full (retrying earlier only earns another 429); a longer one fails the item at once
 * with an error naming this ceiling, instead of holding the execution for hours. The item goes to
 * the error output (dead letters) and can be replayed later.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

export interface RetryPolicy {
	/** Total attempts including the first (default 6); a recovery's corrected request gets a fresh count */
	maxAttempts: number;
	/** Upper bound of one backoff wait when Klaviyo gives no Retry-After, in ms (default 60 000) */
	maxDelayMs: number;
	/** Longest Retry-After that is waited; a longer one ends the retries (default MAX_RETRY_AFTER_MS) */
	maxRetryAfterMs: number;
	/** Lower bound of a wait when Retry-After is 0 ("retry soon"), in ms (default 250) */
	minDelayMs: number;
	/** Maximum random jitter added to a wait, in ms (default 1 000; 250 for Retry-After: 0) */
	jitterMs: number;
	/** How long one attempt may wait for Klaviyo's answer, in ms (default 30 000) */
	timeoutMs: number;
	/** Source of randomness in [0, 1) — injectable for deterministic tests */
	random: () => number;
	sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'sleep'> = {
	maxAttempts: 6,
	maxDelayMs: 60_000,
	maxRetryAfterMs: MAX_RETRY_AFTER_MS,
	minDelayMs: 250,
	jitterMs: 1_000,
	timeoutMs: 30_000,
	random: Math.random,
};

/** Network failures worth another try (error codes of Node, axios and undici). */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
	'ETIMEDOUT',
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ESOCKETTIMEDOUT',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Walk an error and its causes (n8n wraps axios errors in NodeApiError). */
function errorChain(error: unknown): Array<Record<string, unknown>> {
	const chain: Array<Record<string, unknown>> = [];
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const e = current as Record<string, unknown>;
		chain.push(e);
		current = e.cause ?? e.errorResponse ?? e.reason;
	}
	return chain;
}

/** Classify a thrown error: an HTTP response in disguise, or a (retryable?) network failure. */
export function classifyError(error: unknown): HttpOutcome {
	const chain = errorChain(error);
	for (const e of chain) {
		const response = e.response as { status?: number; headers?: HeaderMap; data?: unknown } | undefined;
		if (response && typeof response.status === 'number') {
			return { kind: 'response', status: response.status, headers: response.headers ?? {}, body: response.data };
		}
	}
	const codes = chain.map((e) => e.code).filter((c): c is string => typeof c === 'string');
	const messages = chain.map((e) => e.message).filter((m): m is string => typeof m === 'string');
	const text = messages.join(' | ').toLowerCase();
	let code = codes.find((c) => RETRYABLE_NETWORK_CODES.has(c));
	if (!code) {
		if (/socket hang up|econnreset/.test(text)) code = 'ECONNRESET';
		else if (/timeout|timed out|etimedout/.test(text)) code = 'ETIMEDOUT';
		else if (/econnrefused/.test(text)) code = 'ECONNREFUSED';
	}
	const message = messages[messages.length - 1] ?? messages[0] ?? 'unknown error';
	if (code) return { kind: 'network', code, message, retryable: true };
	return { kind: 'network', code: codes[0] ?? 'UNKNOWN', message, retryable: false };
}

/** Statuses worth another try: throttling, server errors, Cloudflare timeouts (524), request timeout. */
export const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504, 524]);

export function isRetryableOutcome(outcome: HttpOutcome): boolean {
	if (outcome.kind === 'network') return outcome.retryable;
	return RETRYABLE_STATUSES.has(outcome.status);
}

export function isSuccess(outcome: HttpOutcome): boolean {
	return outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300;
}

export function headerValue(headers: HeaderMap, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted || value === undefined) continue;
		return Array.isArray(value) ? value[0] : String(value);
	}
	return undefined;
}

/**
 * Retry-After in ms: either delta-seconds or an HTTP date. undefined when absent or unparsable.
 * `nowMs` is only used for the HTTP-date form.
 */
export function parseRetryAfterMs(headers: HeaderMap, nowMs: number = Date.now()): number | undefined {
	const raw = headerValue(headers, 'retry-after');
	if (raw === undefined || raw.trim() === '') return undefined;
	const trimmed = raw.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - nowMs);
}

/**
 * How long to wait before attempt `attempt + 1`, after attempt number `attempt` (1-based) failed.
 * - Retry-After N > 0 → N s plus a little jitter (≤ 250 ms), in full: never cut by maxDelayMs
 *   (an earlier retry would only earn another 429). withRetry stops before waiting a Retry-After
 *   longer than maxRetryAfterMs.
 * - Retry-After 0 → "retry soon": minDelayMs plus jitter (≤ 250 ms), never a busy loop.
 * - otherwise exponential (2^attempt − 1) s plus jitter (≤ jitterMs), capped by maxDelayMs.
 */
export function computeDelayMs(
	attempt: number,
	outcome: HttpOutcome,
	policy: Pick<RetryPolicy, 'maxDelayMs' | 'minDelayMs' | 'jitterMs' | 'random'>,
	nowMs?: number,
): number {
	const smallJitter = Math.floor(policy.random() * 250);
	if (outcome.kind === 'response') {
		const retryAfter = parseRetryAfterMs(outcome.headers, nowMs);
		if (retryAfter !== undefined) {
			const wait = retryAfter <= 0 ? policy.minDelayMs + smallJitter : retryAfter + smallJitter;
			return Math.max(wait, policy.minDelayMs);
		}
	}
	const base = (Math.pow(2, attempt) - 1) * 1000;
	const jitter = Math.floor(policy.random() * policy.jitterMs);
	return Math.max(policy.minDelayMs, Math.min(base + jitter, policy.maxDelayMs));
}

export interface RetryResult {
	outcome: HttpOutcome;
	attempts: number;
	totalWaitMs: number;
	/** true when the last outcome was retryable but maxAttempts was reached */
	exhausted: boolean;
	/**
	 * Set when the retries stopped because Klaviyo's Retry-After (this many ms) exceeds
	 * maxRetryAfterMs: the wait was not started.
	 */
	retryAfterBeyondCeilingMs?: number;
	/** Each wait between attempts, in ms */
	waits: number[];
}

/**
 * Run `attemptFn` until it returns a non-retryable outcome or maxAttempts is reached.
 * `attemptFn` must never throw for HTTP/network failures: it returns an HttpOutcome instead.
 *
 * `recover`: called with a failed outcome that is not retryable. It returns true when it has
 * corrected the request `attemptFn` sends (e.g. dropped a phone number Klaviyo rejected): the
 * corrected request is sent at once, with a fresh count of maxAttempts and backoff.
 */
export async function withRetry(
	attemptFn: (attempt: number) => Promise<HttpOutcome>,
	policyIn: Partial<RetryPolicy> & Pick<RetryPolicy, 'sleep'>,
	onRetry?: (info: { attempt: number; outcome: HttpOutcome; waitMs: number }) => void,
	recover?: (outcome: HttpOutcome) => boolean,
): Promise<RetryResult> {
	const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(policyIn) } as RetryPolicy;
	const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
	const waits: number[] = [];
	let totalWaitMs = 0;
	let attempts = 0;
	/** Attempts of the current request (since the last recovery) */
	let attempt = 0;
	for (;;) {
		attempt++;
		attempts++;
		const outcome = await attemptFn(attempts);
		if (!isRetryableOutcome(outcome)) {
			if (!isSuccess(outcome) && recover?.(outcome)) {
				attempt = 0;
				continue;
			}
			return { outcome, attempts, totalWaitMs, exhausted: false, waits };
		}
		const retryAfter = outcome.kind === 'response' ? parseRetryAfterMs(outcome.headers) : undefined;
		if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) {
			return { outcome, attempts, totalWaitMs, exhausted: false, waits, retryAfterBeyondCeilingMs: retryAfter };
		}
		if (attempt >= maxAttempts) {
			return { outcome, attempts, totalWaitMs, exhausted: true, waits };
		}
		const waitMs = computeDelayMs(attempt, outcome, policy);
		onRetry?.({ attempt, outcome, waitMs });
		waits.push(waitMs);
		totalWaitMs += waitMs;
		await policy.sleep(waitMs);
	}
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	const out: Partial<T> = {};
	for (const [k, v] of Object.entries(value)) {
		if (v !== undefined) (out as Record<string, unknown>)[k] = v;
	}
	return out;
}
