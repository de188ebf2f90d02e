import axios from 'axios';
import type { AxiosError } from 'axios';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { KLAVIYO_DEFAULT_REVISION } from '../../../credentials/KlaviyoPrivateKeyApi.credentials';

/**
 * The one strict validator of Klaviyo bodies (test/fake-klaviyo/strict.js), shared with the fake:
 * OpenAPI schema + unknown attributes + identifier rules + real E.164 phones + size limits.
 * (Still exported as `openapi` for the tests written against the schema-only validator.)
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const openapi = require('../../fake-klaviyo/strict') as {
	validateRequest: (method: string, path: string, body: unknown) => string[];
	validate: (schema: string, body: unknown) => string[];
	rateLimitOf: (method: string, path: string) => { burst: string; steady: string } | undefined;
	specPath: () => string;
	revisionError: (revision: unknown) => string | undefined;
	checkRequest: (method: string, path: string, body: unknown) => Array<{ pointer: string; detail: string; item?: number }>;
	isValidPhone: (value: unknown) => boolean;
};
export { openapi };

export const BASE = 'https://klaviyo.test';
export const KEY = 'pk_dummy_9f8e7d6c5b4a_never_log_me';

export const NODE: INode = {
	id: 'node-1',
	name: 'Klaviyo',
	type: 'n8n-nodes-shopify-klaviyo.klaviyo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export interface SentRequest {
	method: string;
	path: string;
	body: unknown;
	headers: Record<string, unknown>;
	timeout?: number;
	/** The decrypted credential the transport handed over (so n8n need not read it again), if any */
	credentialsDecrypted?: { type?: string; data?: Record<string, unknown> };
	/** The status the (scripted) Klaviyo answered, and the JSON pointers its errors named */
	status?: number;
	answerPointers?: string[];
}

export interface FakeOptions {
	params?: Record<string, unknown> | ((name: string, itemIndex: number) => unknown);
	items?: IDataObject[];
	continueOnFail?: boolean;
	credentials?: Record<string, unknown>;
}

export interface FakeContext {
	ctx: IExecuteFunctions;
	sent: SentRequest[];
	/** Highest number of requests in flight at once */
	peak: () => number;
	/** How often the node read its credential (n8n decrypts it from the database each time) */
	credentialReads: () => number;
	/**
	 * Every body sent to an endpoint with a request schema that the strict validator rejects — except,
	 * for a body the scripted Klaviyo answered 4xx, the problems at the pointers that answer names
	 * (a test of the phone recovery sends a phone Klaviyo rejects, and nothing else wrong). Should be [].
	 */
	invalid: () => Array<{ method: string; path: string; errors: string[] }>;
}

/**
 * A fake IExecuteFunctions whose httpRequestWithAuthentication performs a real HTTP call with axios
 * (so nock intercepts), adds the credential's headers like n8n's `authenticate` would, and honours
 * returnFullResponse / ignoreHttpStatusErrors / timeout. Thrown errors are wrapped in NodeApiError,
 * as n8n-core does.
 */
export function fakeContext(options: FakeOptions = {}): FakeContext {
	const sent: SentRequest[] = [];
	let inFlight = 0;
	let credentialReads = 0;
	let peak = 0;
	const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
	const credentials = { privateKey: KEY, baseUrl: BASE, revision: KLAVIYO_DEFAULT_REVISION, ...(options.credentials ?? {}) };
	const getParam = (name: string, i: number, fallback?: unknown) => {
		const p = options.params;
		const value = typeof p === 'function' ? p(name, i) : p?.[name];
		return value === undefined ? fallback : value;
	};
	const httpRequestWithAuthentication = async function (
		this: unknown,
		credentialType: string,
		req: IHttpRequestOptions,
		additional?: { credentialsDecrypted?: { type?: string; data?: Record<string, unknown> } },
	) {
		if (credentialType !== 'klaviyoPrivateKeyApi') throw new Error(`unexpected credential ${credentialType}`);
		const headers: Record<string, unknown> = {
			...(req.headers ?? {}),
			Authorization: `Klaviyo-API-Key ${credentials.privateKey}`,
			revision: credentials.revision,
		};
		const url = new URL(req.url);
		const record: SentRequest = {
			method: req.method ?? 'GET',
			path: url.pathname,
			body: req.body,
			headers,
			timeout: req.timeout,
			credentialsDecrypted: additional?.credentialsDecrypted,
		};
		sent.push(record);
		inFlight++;
		peak = Math.max(peak, inFlight);
		try {
			const res = await axios.request({
				method: req.method,
				url: req.url,
				data: req.body,
				params: req.qs,
				headers: headers as Record<string, string>,
				timeout: req.timeout,
				validateStatus: req.ignoreHttpStatusErrors ? () => true : (s) => s >= 200 && s < 300,
			});
			record.status = res.status;
			const answerErrors = (res.data as { errors?: Array<{ source?: { pointer?: string } }> } | undefined)?.errors;
			if (Array.isArray(answerErrors)) record.answerPointers = answerErrors.map((e) => e?.source?.pointer ?? '').filter(Boolean);
			const plainHeaders =
				typeof (res.headers as { toJSON?: () => unknown }).toJSON === 'function'
					? ((res.headers as unknown as { toJSON: () => Record<string, string> }).toJSON())
					: (res.headers as Record<string, string>);
			if (req.returnFullResponse) {
				return { body: res.data, headers: plainHeaders, statusCode: res.status, statusMessage: res.statusText };
			}
			return res.data;
		} catch (error) {
			throw new NodeApiError(NODE, error as AxiosError as unknown as IDataObject as never);
		} finally {
			inFlight--;
		}
	};
	const ctx = {
		getInputData: () => items,
		getNodeParameter: (name: string, i: number, fallback?: unknown) => getParam(name, i, fallback),
		getNode: () => NODE,
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials: async () => {
			credentialReads++;
			return credentials;
		},
		helpers: { httpRequestWithAuthentication },
		logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
	} as unknown as IExecuteFunctions;
	return {
		ctx,
		sent,
		peak: () => peak,
		credentialReads: () => credentialReads,
		invalid: () =>
			sent
				.map((r) => {
					const revision = openapi.revisionError(r.headers.revision);
					const rejected = r.status !== undefined && r.status >= 400 && r.status < 500 ? (r.answerPointers ?? []) : [];
					// a problem Klaviyo's answer names (by its pointer, or by the field's name when a scripted
					// answer points elsewhere, e.g. /data/attributes/phone_number for an event's profile phone)
					const field = (pointer: string) => pointer.split('/').pop();
					const named = (e: string) => rejected.some((p) => e.startsWith(`${p}: `) || field(e.slice(0, e.indexOf(': '))) === field(p));
					// a bulk import Klaviyo accepted reports its bad profiles as import errors, not as a 400
					const accepted = r.status !== undefined && r.status >= 200 && r.status < 300;
					const problems = openapi
						.checkRequest(r.method, r.path, r.body)
						.filter((e) => !(accepted && e.item !== undefined))
						.map((e) => `${e.pointer}: ${e.detail}`)
						.filter((e) => !named(e));
					return { method: r.method, path: r.path, errors: [...(revision ? [`revision: ${revision}`] : []), ...problems] };
				})
				.filter((r) => r.errors.length > 0),
	};
}

/** A fake clock + sleep pair: sleeping advances the clock and records the wait. */
export function fakeTime(start = 1_700_000_000_000) {
	let now = start;
	const waits: number[] = [];
	return {
		now: () => now,
		advance: (ms: number) => {
			now += ms;
		},
		sleep: async (ms: number) => {
			waits.push(ms);
			now += ms;
		},
		waits,
	};
}

/** nock body matcher: records the body and accepts it only if it validates against the OpenAPI. */
export function validBody(method: string, path: string) {
	return (body: unknown) => openapi.validateRequest(method, path, body).length === 0;
}

export function klaviyoError(status: number, detail: string, extra: Record<string, unknown> = {}) {
	return {
		errors: [
			{
				id: 'e1',
				status,
				code: extra.code ?? 'invalid',
				title: 'Error',
				detail,
				source: { pointer: extra.pointer ?? '/data' },
				...(extra.meta ? { meta: extra.meta } : {}),
			},
		],
	};
}

export const profileBody = (attrs: Record<string, unknown> = {}) => ({
	data: { type: 'profile', attributes: { email: 'sarah@example.com', ...attrs } },
});

export const eventBody = (opts: { email?: string; phone?: string; uniqueId?: string; metric?: string } = {}) => {
	const profileAttributes: Record<string, unknown> = {};
	if (opts.email !== undefined || opts.phone === undefined) profileAttributes.email = opts.email ?? 'sarah@example.com';
	if (opts.phone) profileAttributes.phone_number = opts.phone;
	const attributes: Record<string, unknown> = {
		properties: { OrderId: '1001' },
		metric: { data: { type: 'metric', attributes: { name: opts.metric ?? 'Placed Order' } } },
		profile: { data: { type: 'profile', attributes: profileAttributes } },
		value: 42.5,
		value_currency: 'USD',
		time: '2026-01-02T03:04:05Z',
	};
	if (opts.uniqueId) attributes.unique_id = opts.uniqueId;
	return { data: { type: 'event', attributes } };
};
