/**
 * Calls to Shopify's GraphQL Admin API with its cost-based throttling handled — pure, no n8n.
 *
 * Shopify answers a query its leaky bucket cannot afford with `errors: [{ message: "Throttled",
 * extensions: { code: "THROTTLED" } }]` and `extensions.cost.throttleStatus` ({ maximumAvailable,
 * currentlyAvailable, restoreRate }). We wait exactly until the bucket holds the requested cost
 * ((requested − available) / restoreRate seconds, + a small margin) and ask again; an HTTP 429 or
 * 5xx / network error is retried with exponential backoff. Between pages we also wait BEFORE asking
 * when the last answer says the bucket cannot afford the next page, so a long read does not earn
 * THROTTLED answers at all.
 *
 * The transport (the node wires it to httpRequestWithAuthentication) returns the HTTP status and body.
 */
import type { GraphqlBody } from './queries';

export interface GraphqlHttpResponse {
	status: number;
	body: unknown;
	/** Retry-After header of a 429, if any */
	retryAfter?: string;
}
export type GraphqlTransport = (body: GraphqlBody) => Promise<GraphqlHttpResponse>;
export type Sleep = (ms: number) => Promise<void>;

export interface ThrottleStatus {
	maximumAvailable: number;
	currentlyAvailable: number;
	restoreRate: number;
}
export interface QueryCost {
	requestedQueryCost?: number;
	actualQueryCost?: number | null;
	throttleStatus?: ThrottleStatus;
}

export interface CallStats {
	/** HTTP requests made (including throttled and retried ones) */
	calls: number;
	throttled: number;
	/** Time spent waiting for the bucket or a retry, ms */
	waitedMs: number;
	lastCost?: QueryCost;
}

export interface CallOptions {
	sleep: Sleep;
	/** Attempts per document before giving up (default 8) */
	maxAttempts?: number;
	/** First backoff for 429/5xx/network errors, ms (doubles each time, default 1000) */
	backoffMs?: number;
	stats?: CallStats;
	now?: () => number;
}

export class ShopifyGraphqlError extends Error {
	constructor(
		message: string,
		readonly status?: number,
		readonly code?: string,
	) {
		super(message);
		this.name = 'ShopifyGraphqlError';
	}
}

export const newStats = (): CallStats => ({ calls: 0, throttled: 0, waitedMs: 0 });

interface GraphqlError {
	message?: string;
	extensions?: { code?: string };
}
interface GraphqlResponse {
	data?: Record<string, unknown> | null;
	errors?: GraphqlError[] | string;
	extensions?: { cost?: QueryCost };
}

function parse(body: unknown): GraphqlResponse | undefined {
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	return body && typeof body === 'object' ? (body as GraphqlResponse) : undefined;
}

const errorList = (r: GraphqlResponse): GraphqlError[] =>
	typeof r.errors === 'string' ? [{ message: r.errors }] : Array.isArray(r.errors) ? r.errors : [];

export function isThrottled(r: GraphqlResponse | undefined): boolean {
	return !!r && errorList(r).some((e) => e?.extensions?.code === 'THROTTLED' || /^throttled$/i.test(String(e?.message ?? '')));
}

/** How long until the bucket holds `needed` points (ms, with a 10 % + 50 ms margin); 0 when it does now. */
export function waitForBucketMs(status: ThrottleStatus | undefined, needed: number | undefined): number {
	if (!status || !needed || !(status.restoreRate > 0)) return 0;
	const missing = Math.min(needed, status.maximumAvailable) - status.currentlyAvailable;
	if (missing <= 0) return 0;
	return Math.ceil((missing / status.restoreRate) * 1000 * 1.1) + 50;
}

/** Sends one document; resolves with `data`, throws ShopifyGraphqlError naming what Shopify said. */
export async function graphqlCall(transport: GraphqlTransport, body: GraphqlBody, options: CallOptions, what: string): Promise<Record<string, unknown>> {
	const { sleep, maxAttempts = 8, backoffMs = 1000 } = options;
	const stats = options.stats ?? newStats();
	let lastProblem = '';
	for (let attempt = 1; attempt <= maxAttempts; attempt++) {
		let response: GraphqlHttpResponse;
		stats.calls++;
		try {
			response = await transport(body);
		} catch (error) {
			lastProblem = `network error: ${(error as Error).message}`;
			await wait(stats, sleep, backoffMs * 2 ** (attempt - 1));
			continue;
		}
		const parsed = parse(response.body);
		if (parsed?.extensions?.cost) stats.lastCost = parsed.extensions.cost;
		if (isThrottled(parsed)) {
			stats.throttled++;
			const cost = parsed?.extensions?.cost;
			lastProblem = 'THROTTLED';
			await wait(stats, sleep, Math.max(waitForBucketMs(cost?.throttleStatus, cost?.requestedQueryCost), 500));
			continue;
		}
		if (response.status === 429 || response.status >= 500) {
			lastProblem = `HTTP ${response.status}`;
			const retryAfter = Number(response.retryAfter);
			await wait(stats, sleep, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs * 2 ** (attempt - 1));
			continue;
		}
		if (response.status === 401 || response.status === 403) {
			throw new ShopifyGraphqlError(
				`Shopify refused the Admin API access token while ${what} (HTTP ${response.status}): check the credential's Admin API Access Token and its scopes (read_orders, read_customers)`,
				response.status,
			);
		}
		if (!parsed) throw new ShopifyGraphqlError(`Shopify answered HTTP ${response.status} with a non-JSON body while ${what}`, response.status);
		const errors = errorList(parsed);
		if (response.status >= 400 || errors.length > 0) {
			const message = errors.map((e) => e?.message ?? JSON.stringify(e)).join('; ') || `HTTP ${response.status}`;
			throw new ShopifyGraphqlError(`Shopify GraphQL error while ${what}: ${message}`, response.status, errors[0]?.extensions?.code);
		}
		return parsed.data ?? {};
	}
	throw new ShopifyGraphqlError(`Shopify kept refusing while ${what} (${lastProblem}) after ${maxAttempts} attempts`);
}

async function wait(stats: CallStats, sleep: Sleep, ms: number): Promise<void> {
	stats.waitedMs += ms;
	await sleep(ms);
}

/** Before the next call: wait while the last answer says the bucket cannot afford `nextCost`. */
export async function paceBefore(options: CallOptions, nextCost: number | undefined): Promise<void> {
	const stats = options.stats;
	const ms = waitForBucketMs(stats?.lastCost?.throttleStatus, nextCost);
	if (ms > 0 && stats) await wait(stats, options.sleep, ms);
}
