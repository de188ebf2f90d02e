import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import type { DeadLetterItem } from '../../shared/contract';
import type { EndpointSpec } from './endpoints';
import type { HttpOutcome } from './retry';
import { MAX_RETRY_AFTER_MS } from './retry';

export type FailureInfo = DeadLetterItem['error'];

/** One entry of a JSON:API `errors` array as Klaviyo sends it. */
export interface KlaviyoApiError {
	id?: string;
	code?: string;
	title?: string;
	detail?: string;
	source?: { pointer?: string; parameter?: string };
	meta?: Record<string, unknown>;
}

export function apiErrorsOf(body: unknown): KlaviyoApiError[] {
	if (!body || typeof body !== 'object') return [];
	const errors = (body as { errors?: unknown }).errors;
	return Array.isArray(errors) ? (errors.filter((e) => e && typeof e === 'object') as KlaviyoApiError[]) : [];
}

/** "/data/attributes/profile/data/attributes/phone_number" → "profile.phone_number" */
export function fieldFromPointer(pointer: string | undefined): string | undefined {
	if (!pointer) return undefined;
	const parts = pointer
		.split('/')
		.filter((p) => p && p !== 'data' && p !== 'attributes' && !/^\d+$/.test(p));
	return parts.length ? parts.join('.') : undefined;
}

/** Turn a failed outcome into the DeadLetterItem error object, with a human hint. */
export function describeFailure(
	outcome: HttpOutcome,
	endpoint: Pick<EndpointSpec, 'method' | 'path' | 'scopes'>,
	options: {
		attempts: number;
		exhausted: boolean;
		/** The retries stopped: Klaviyo's Retry-After (ms) is beyond the ceiling */
		retryAfterBeyondCeilingMs?: number;
		/** …and the last attempt was not sent: the endpoint was paused by an earlier 429 */
		heldByPause?: boolean;
	},
): FailureInfo {
	const endpointName = `${endpoint.method} ${endpoint.path}`;
	if (options.retryAfterBeyondCeilingMs !== undefined) {
		const seconds = Math.ceil(options.retryAfterBeyondCeilingMs / 1000);
		const ceiling = `${MAX_RETRY_AFTER_MS / 60_000} min ceiling (MAX_RETRY_AFTER_MS)`;
		return {
			message: options.heldByPause
				? `Klaviyo ${endpointName} not sent: the endpoint is paused for ${seconds} s by an earlier 429 (Retry-After), beyond the ${ceiling}`
				: `Klaviyo ${endpointName} answered 429 with Retry-After ${seconds} s, beyond the ${ceiling}; not retried`,
			status: 429,
			code: 'retry_after_beyond_ceiling',
			hint: 'failed instead of holding the execution; replay it once Klaviyo accepts requests again',
		};
	}
	if (outcome.kind === 'network') {
		return {
			message: `Klaviyo request failed: ${outcome.message} (${outcome.code})`,
			code: outcome.code,
			hint: options.exhausted
				? `gave up after ${options.attempts} attempts; check connectivity to Klaviyo or raise Max Attempts`
				: 'check the Base URL in the Klaviyo credential and your network',
		};
	}
	const status = outcome.status;
	const first = apiErrorsOf(outcome.body)[0];
	const detail = first?.detail ?? first?.title;
	const pointer = first?.source?.pointer;
	let hint: string | undefined;
	if (status === 401) {
		hint = 'check the private key in the Klaviyo credential';
	} else if (status === 403) {
		hint = `the key lacks the scope ${endpoint.scopes.join(', ')} needed for ${endpointName}`;
	} else if (status === 400 || status === 422) {
		const field = fieldFromPointer(pointer);
		hint = field ? `Klaviyo rejected the field "${field}"` : 'Klaviyo rejected the request body';
	} else if (status === 404) {
		hint = `${endpointName} or the referenced resource was not found`;
	} else if (status === 409) {
		hint = 'conflict with an existing Klaviyo resource';
	} else if (options.exhausted) {
		hint = `Klaviyo kept answering ${status}; gave up after ${options.attempts} attempts (raise Max Attempts or Max Delay to wait longer)`;
	}
	const message = `Klaviyo ${endpointName} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`;
	const info: FailureInfo = { message, status };
	if (first?.code) info.code = first.code;
	if (detail) info.detail = detail;
	if (pointer) info.pointer = pointer;
	if (hint) info.hint = hint;
	return info;
}

/** Replace every occurrence of each secret in strings, and drop Authorization headers, recursively. */
export function scrubSecrets<T>(value: T, secrets: string[]): T {
	const usable = secrets.filter((s) => typeof s === 'string' && s.length >= 4);
	const seen = new WeakMap<object, unknown>();
	const walk = (v: unknown): unknown => {
		if (typeof v === 'string') {
			let out = v;
			for (const s of usable) out = out.split(s).join('[redacted]');
			return out.replace(/Klaviyo-API-Key\s+\S+/gi, 'Klaviyo-API-Key [redacted]');
		}
		if (!v || typeof v !== 'object') return v;
		if (seen.has(v)) return seen.get(v);
		if (Array.isArray(v)) {
			const arr: unknown[] = [];
			seen.set(v, arr);
			for (const x of v) arr.push(walk(x));
			return arr;
		}
		const obj: Record<string, unknown> = {};
		seen.set(v, obj);
		for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
			if (k.toLowerCase() === 'authorization') {
				obj[k] = '[redacted]';
				continue;
			}
			obj[k] = walk(x);
		}
		return obj;
	};
	return walk(value) as T;
}

/** A NodeApiError carrying Klaviyo's detail, pointer, status and hint — never the key. */
export function toNodeApiError(
	node: INode,
	info: FailureInfo,
	secrets: string[],
	itemIndex?: number,
): NodeApiError {
	const clean = scrubSecrets(info, secrets);
	const description = [clean.detail, clean.pointer ? `at ${clean.pointer}` : undefined, clean.hint]
		.filter(Boolean)
		.join(' — ');
	const response: JsonObject = { message: clean.message };
	if (clean.status !== undefined) response.httpCode = String(clean.status);
	if (clean.code) response.code = clean.code;
	if (clean.detail) response.detail = clean.detail;
	if (clean.pointer) response.pointer = clean.pointer;
	if (clean.hint) response.hint = clean.hint;
	return new NodeApiError(node, response, {
		message: clean.message,
		description: description || undefined,
		httpCode: clean.status !== undefined ? String(clean.status) : undefined,
		itemIndex,
	});
}
