/* eslint-disable @typescript-eslint/no-explicit-any -- the fake Klaviyo is plain JavaScript */
/**
 * A big order sent through the Klaviyo transport to the in-process fake Klaviyo, once with single
 * events and once in bulk: Klaviyo ends up with the same events, and the two ways deduplicate
 * each other (same unique_id, profile and metric).
 */
import type { IDataObject } from 'n8n-workflow';
import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { resetLimiters } from '../../../nodes/Klaviyo/transport/limiter';
import { sendOperation } from '../../../nodes/Klaviyo/transport/send';
import { bigOrder, delivery } from '../ShopifyToKlaviyo/helpers';
import { fakeContext } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeKlaviyo } = require('../../fake-klaviyo/server');

const settings = { sleep: async () => {}, random: () => 0, timeoutMs: 5000 };

// ~250 real HTTP requests to the fake, each body checked by the strict validator: more than jest's
// default 5 s on a busy machine
jest.setTimeout(30000);

async function sendAll(klaviyo: any, options: Record<string, unknown>) {
	const { ctx } = fakeContext({ credentials: { baseUrl: klaviyo.url } });
	const requests = mapDelivery(delivery('orders/create', bigOrder(120)), options).requests;
	for (const r of requests) {
		const result = await sendOperation(ctx, r.operation, r.body as IDataObject, settings);
		expect(result).toMatchObject({ ok: true, status: 202 });
	}
	return requests;
}

/** What Klaviyo keeps of an event, without the fake's own ids and arrival times. */
const kept = (events: any[]) =>
	events
		.map(({ metric, profile, properties, value, value_currency, time, unique_id, backfill }) => ({
			metric,
			profile,
			properties,
			value,
			value_currency,
			time,
			unique_id,
			backfill,
		}))
		.sort((a, b) => a.unique_id.localeCompare(b.unique_id));

let single: any;
let bulk: any;
beforeAll(async () => {
	single = createFakeKlaviyo({ rateLimits: false });
	bulk = createFakeKlaviyo({ rateLimits: false });
	await single.start(0);
	await bulk.start(0);
});
afterAll(async () => {
	await single.stop();
	await bulk.stop();
});
beforeEach(() => resetLimiters());

it('the fake Klaviyo keeps the same events from the single and the bulk path, and each dedups the other', async () => {
	const singles = await sendAll(single, { bulkOrderedProductAbove: 1_000_000 });
	const bulks = await sendAll(bulk, {});
	expect(singles).toHaveLength(121);
	expect(bulks.map((r) => r.operation)).toEqual(['event.create', 'bulk.createEvents']);
	expect(single.state.requests).toEqual({ 'POST /api/events': { 202: 121 } });
	expect(bulk.state.requests).toEqual({ 'POST /api/events': { 202: 1 }, 'POST /api/event-bulk-create-jobs': { 202: 1 } });
	expect(bulk.state.events).toHaveLength(121);
	expect(kept(bulk.state.events)).toEqual(kept(single.state.events));
	// a re-delivery that took the other path is recorded once: same unique_id, profile and metric
	await sendAll(bulk, { bulkOrderedProductAbove: 1_000_000 });
	expect(bulk.state.events).toHaveLength(121);
	expect(bulk.state.duplicatesDropped).toBe(121);
}, 60_000); // a fake server + 240 requests: seconds on a loaded 2-core machine
