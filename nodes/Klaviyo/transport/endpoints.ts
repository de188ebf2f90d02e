import type { IHttpRequestMethods } from 'n8n-workflow';
import type { KlaviyoOperation } from '../../shared/contract';

/** One Klaviyo endpoint we call: its documented rate limits and required scopes. */
export interface EndpointSpec {
	method: IHttpRequestMethods;
	/** Path template as written in Klaviyo's OpenAPI (`{job_id}` etc.) */
	path: string;
	/** x-klaviyo-ratelimit burst, requests per second */
	burstPerSecond: number;
	/** x-klaviyo-ratelimit steady, requests per minute */
	steadyPerMinute: number;
	/** x-klaviyo-scopes */
	scopes: string[];
}

/**
 * Rate limits and scopes of every endpoint this node calls, copied from Klaviyo's official
 * OpenAPI description (stable.json, `x-klaviyo-ratelimit` and `x-klaviyo-scopes` of each operation).
 * A unit test (test/unit/Klaviyo/endpoints.test.ts) checks this table against the spec.
 * Keyed by "METHOD /path-template".
 */
export const ENDPOINTS: Record<string, EndpointSpec> = {
	'POST /api/events': {
		method: 'POST',
		path: '/api/events',
		burstPerSecond: 350,
		steadyPerMinute: 3500,
		scopes: ['events:write'],
	},
	'POST /api/profile-import': {
		method: 'POST',
		path: '/api/profile-import',
		burstPerSecond: 75,
		steadyPerMinute: 750,
		scopes: ['profiles:write'],
	},
	'GET /api/profiles': {
		method: 'GET',
		path: '/api/profiles',
		burstPerSecond: 75,
		steadyPerMinute: 750,
		scopes: ['profiles:read'],
	},
	'PATCH /api/profiles/{id}': {
		method: 'PATCH',
		path: '/api/profiles/{id}',
		burstPerSecond: 75,
		steadyPerMinute: 750,
		scopes: ['profiles:write'],
	},
	'POST /api/profile-subscription-bulk-create-jobs': {
		method: 'POST',
		path: '/api/profile-subscription-bulk-create-jobs',
		burstPerSecond: 75,
		steadyPerMinute: 750,
		scopes: ['lists:write', 'profiles:write', 'subscriptions:write'],
	},
	'POST /api/profile-subscription-bulk-delete-jobs': {
		method: 'POST',
		path: '/api/profile-subscription-bulk-delete-jobs',
		burstPerSecond: 75,
		steadyPerMinute: 750,
		scopes: ['lists:write', 'profiles:write', 'subscriptions:write'],
	},
	'POST /api/event-bulk-create-jobs': {
		method: 'POST',
		path: '/api/event-bulk-create-jobs',
		burstPerSecond: 10,
		steadyPerMinute: 150,
		scopes: ['events:write'],
	},
	'POST /api/profile-bulk-import-jobs': {
		method: 'POST',
		path: '/api/profile-bulk-import-jobs',
		burstPerSecond: 10,
		steadyPerMinute: 150,
		scopes: ['lists:write', 'profiles:write'],
	},
	'GET /api/profile-bulk-import-jobs/{job_id}': {
		method: 'GET',
		path: '/api/profile-bulk-import-jobs/{job_id}',
		burstPerSecond: 10,
		steadyPerMinute: 150,
		scopes: ['lists:read', 'profiles:read'],
	},
	'GET /api/profile-bulk-import-jobs/{id}/import-errors': {
		method: 'GET',
		path: '/api/profile-bulk-import-jobs/{id}/import-errors',
		burstPerSecond: 10,
		steadyPerMinute: 150,
		scopes: ['profiles:read'],
	},
	'POST /api/data-privacy-deletion-jobs': {
		method: 'POST',
		path: '/api/data-privacy-deletion-jobs',
		burstPerSecond: 3,
		steadyPerMinute: 60,
		scopes: ['data-privacy:write'],
	},
	'GET /api/accounts': {
		method: 'GET',
		path: '/api/accounts',
		burstPerSecond: 1,
		steadyPerMinute: 15,
		scopes: ['accounts:read'],
	},
};

/** Which endpoint each contract operation is sent to. */
export const OPERATION_ENDPOINT: Record<KlaviyoOperation, string> = {
	'profile.upsert': 'POST /api/profile-import',
	'event.create': 'POST /api/events',
	'subscription.subscribe': 'POST /api/profile-subscription-bulk-create-jobs',
	'subscription.unsubscribe': 'POST /api/profile-subscription-bulk-delete-jobs',
	'dataPrivacy.deleteProfile': 'POST /api/data-privacy-deletion-jobs',
	// after a GET /api/profiles lookup of the external_id (send.ts)
	'dataPrivacy.deleteProfileByExternalId': 'POST /api/data-privacy-deletion-jobs',
	'bulk.createEvents': 'POST /api/event-bulk-create-jobs',
	'bulk.importProfiles': 'POST /api/profile-bulk-import-jobs',
};

export const KLAVIYO_OPERATIONS = Object.keys(OPERATION_ENDPOINT) as KlaviyoOperation[];

export function isKlaviyoOperation(value: unknown): value is KlaviyoOperation {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(OPERATION_ENDPOINT, value);
}

/** Fill a path template: fillPath('/api/profiles/{id}', { id: 'X' }) → '/api/profiles/X' */
export function fillPath(template: string, params: Record<string, string> = {}): string {
	return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
		const value = params[name];
		if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
		return encodeURIComponent(value);
	});
}

/** Hard caps Klaviyo documents for bulk endpoints. */
export { MAX_EVENTS_PER_BULK_JOB } from '../../shared/klaviyoBodies';
export const MAX_PROFILES_PER_IMPORT_JOB = 10000;
