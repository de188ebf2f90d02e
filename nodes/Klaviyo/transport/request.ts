import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import type { EndpointSpec } from './endpoints';
import { ENDPOINTS } from './endpoints';
import type { Clock } from './limiter';
import { accountKeyOf, getLimiter, normalizeShare } from './limiter';
import type { HeaderMap, HttpOutcome, RetryResult } from './retry';
import { classifyError, DEFAULT_RETRY_POLICY, withRetry } from './retry';

/**
 * The only module that talks HTTP to Klaviyo. Everything goes through
 * `this.helpers.httpRequestWithAuthentication` with the `klaviyoPrivateKeyApi` credential,
 * which adds the Authorization and revision headers.
 */

export const CREDENTIAL_TYPE = 'klaviyoPrivateKeyApi';

export interface KlaviyoRequest {
	method: IHttpRequestMethods;
	/** Concrete path, e.g. /api/profile-bulk-import-jobs/01ABC */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/**
	 * Limits and scopes: an ENDPOINTS key ("METHOD /path-template"), or the spec itself for an endpoint
	 * only one operation calls (declared in its file, see OperationModule.endpoints); defaults to "METHOD path"
	 */
	endpoint?: string | EndpointSpec;
}

/** Overrides of the retry policy (transport/retry.ts); unset → DEFAULT_RETRY_POLICY. */
export interface TransportSettings {
	sleep: (ms: number) => Promise<void>;
	maxAttempts?: number;
	maxDelayMs?: number;
	/** Longest Retry-After waited (default MAX_RETRY_AFTER_MS, 15 min); tests lower it */
	maxRetryAfterMs?: number;
	timeoutMs?: number;
	/** Clock for the rate limiter (tests inject a fake one) */
	now?: Clock;
	random?: () => number;
}

export interface KlaviyoCallResult extends RetryResult {
	endpoint: Pick<EndpointSpec, 'method' | 'path' | 'scopes'>;
	/** Time spent waiting on the client-side rate limiter, in ms (also included in totalWaitMs) */
	limiterWaitMs: number;
	/**
	 * true when the last attempt was not sent: the endpoint was paused (by another request's 429)
	 * for longer than the Retry-After ceiling.
	 */
	heldByPause?: boolean;
}

interface CredentialInfo {
	baseUrl: string;
	accountKey: string;
	/** How many n8n processes share this account's rate limits (the credential's setting, ≥ 1) */
	share: number;
	/** Values that must never leave this module in errors or logs */
	secrets: string[];
	/**
	 * The decrypted credential, read once per node run and handed to each request: without it n8n
	 * reads and decrypts the credential from its database again for every request.
	 */
	decrypted: ICredentialsDecrypted;
}

const credentialCache = new WeakMap<object, CredentialInfo>();

export async function credentialInfo(ctx: IExecuteFunctions): Promise<CredentialInfo> {
	const cached = credentialCache.get(ctx);
	if (cached) return cached;
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const privateKey = String(credentials.privateKey ?? '');
	const baseUrl = String(credentials.baseUrl || 'https://a.klaviyo.com').replace(/\/+$/, '');
	const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const info: CredentialInfo = {
		baseUrl,
		accountKey: accountKeyOf(`${baseUrl}|${privateKey}`),
		share: normalizeShare(credentials.processesSharingLimits ?? 1),
		secrets: privateKey ? [privateKey] : [],
		decrypted: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data: credentials },
	};
	credentialCache.set(ctx, info);
	return info;
}

export { classifyError } from './retry';

/** One HTTP attempt. Never throws for HTTP or network failures. */
export async function sendOnce(
	ctx: IExecuteFunctions,
	credential: Pick<CredentialInfo, 'baseUrl' | 'decrypted'>,
	req: KlaviyoRequest,
	timeoutMs: number,
): Promise<HttpOutcome> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			method: req.method,
			url: `${credential.baseUrl}${req.path}`,
			body: req.body,
			qs: req.qs,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
			headers: {
				'Content-Type': 'application/vnd.api+json',
				accept: 'application/vnd.api+json',
			},
		}, { credentialsDecrypted: credential.decrypted })) as { statusCode?: number; status?: number; headers?: HeaderMap; body?: unknown };
		const status = response.statusCode ?? response.status ?? 0;
		return { kind: 'response', status, headers: response.headers ?? {}, body: parseBody(response.body) };
	} catch (error) {
		return classifyError(error);
	}
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string' || body === '') return body === '' ? undefined : body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

export function endpointFor(req: KlaviyoRequest): EndpointSpec {
	if (typeof req.endpoint === 'object') return req.endpoint;
	const key = req.endpoint ?? `${req.method} ${req.path}`;
	return (
		ENDPOINTS[key] ?? {
			method: req.method,
			path: req.path,
			// Unknown endpoint: be conservative (Klaviyo's lowest common tier).
			burstPerSecond: 3,
			steadyPerMinute: 60,
			scopes: [],
		}
	);
}

/**
 * Send one Klaviyo request with client-side rate limiting and the retry policy.
 * Each attempt first waits for the process-wide limiter of (account, endpoint).
 * `recover` (see withRetry): given a failed answer, a corrected body to send instead, or undefined.
 */
export async function klaviyoRequest(
	ctx: IExecuteFunctions,
	req: KlaviyoRequest,
	settings: TransportSettings,
	recover?: (outcome: HttpOutcome, body: IDataObject | undefined) => IDataObject | undefined,
): Promise<KlaviyoCallResult & { body?: IDataObject }> {
	const credential = await credentialInfo(ctx);
	const endpoint = endpointFor(req);
	const limiter = getLimiter(credential.accountKey, `${endpoint.method} ${endpoint.path}`, endpoint, settings.now, credential.share);
	const timeoutMs = settings.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs;
	let current = req;
	const maxRetryAfterMs = settings.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs;
	let limiterWaitMs = 0;
	let sent = 0;
	let heldByPause = false;
	const result = await withRetry(
		async () => {
			// Wait for a slot. A pause that began while we slept (another request's 429) means the
			// reservation is void: reserve again instead of spending an attempt on a certain 429.
			for (let round = 0; ; round++) {
				const held = limiter.heldForMs();
				if (held > maxRetryAfterMs) {
					// Paused beyond the ceiling: answer for Klaviyo without sending (same Retry-After).
					heldByPause = true;
					return {
						kind: 'response',
						status: 429,
						headers: { 'retry-after': String(Math.ceil(held / 1000)) },
						body: undefined,
					};
				}
				const wait = limiter.acquire();
				if (wait > 0) {
					limiterWaitMs += wait;
					await settings.sleep(wait);
				}
				if (wait === 0 || limiter.heldForMs() === 0 || round >= 100) break;
			}
			heldByPause = false;
			sent++;
			const outcome = await sendOnce(ctx, credential, current, timeoutMs);
			if (outcome.kind === 'response') limiter.observe(outcome.headers, outcome.status);
			return outcome;
		},
		{
			sleep: settings.sleep,
			maxAttempts: settings.maxAttempts,
			maxDelayMs: settings.maxDelayMs,
			maxRetryAfterMs,
			random: settings.random,
		},
		undefined,
		recover &&
			((outcome) => {
				const body = recover(outcome, current.body);
				if (body) current = { ...current, body };
				return body !== undefined;
			}),
	);
	return {
		...result,
		// attempts actually sent (a request held by a pause beyond the ceiling was not)
		attempts: sent,
		totalWaitMs: result.totalWaitMs + limiterWaitMs,
		endpoint,
		limiterWaitMs,
		...(heldByPause ? { heldByPause } : {}),
		body: current.body,
	};
}
