/* eslint-disable @typescript-eslint/no-explicit-any -- the fake Klaviyo is plain JavaScript */
/**
 * Send Mapped Request with backfill items (the mapper keeps a delivery's `backfill` on its requests):
 * events go in event-bulk-create-jobs of ≤ 1 000 with backfill: true, profiles in profile bulk import
 * jobs, consent jobs as they are; live items in the same input are sent one by one as before. Against
 * the in-process fake Klaviyo, whose bulk endpoint holds at most 1 000 events per job.
 */
import type { IDataObject } from 'n8n-workflow';
import { Klaviyo } from '../../../nodes/Klaviyo/Klaviyo.node';
import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { resetLimiters } from '../../../nodes/Klaviyo/transport/limiter';
import { delivery } from '../ShopifyToKlaviyo/helpers';
import blueprintOrder from '../../fixtures/shopify/order-blueprint.json';
import { fakeContext } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createFakeKlaviyo } = require('../../fake-klaviyo/server');

const node = new Klaviyo();
let klaviyo: any;
beforeAll(async () => {
	klaviyo = createFakeKlaviyo({ rateLimits: true });
	await klaviyo.start(0);
});
afterAll(() => klaviyo.stop());
beforeEach(() => {
	resetLimiters();
	klaviyo.reset();
});

function orderRequests(n: number, backfill: boolean): IDataObject[] {
	const out: IDataObject[] = [];
	for (let i = 0; i < n; i++) {
		const order = { ...(blueprintOrder as IDataObject), id: `5000${i}`, name: `#H${i}`, email: `h${i % 50}@example.com` };
		for (const r of mapDelivery(delivery('orders/create', order), {}).requests) out.push({ ...(r as unknown as IDataObject), ...(backfill ? { backfill: { runId: 'r1' } } : {}) });
	}
	return out;
}

async function send(items: IDataObject[]) {
	const { ctx } = fakeContext({ items, params: { resource: 'mappedRequest', operation: 'send', options: { maxDelay: 2 } }, credentials: { baseUrl: klaviyo.url }, continueOnFail: true });
	const [out] = await node.execute.call(ctx);
	return out;
}

test('backfilled events go in bulk jobs of at most 1 000 with backfill: true; every event kept once', async () => {
	const items = orderRequests(400, true); // 400 orders × (Placed Order + 2 Ordered Product) = 1 200 events
	expect(items.length).toBe(1200);
	const out = await send(items);
	expect(out).toHaveLength(1200);
	expect(out.filter((o) => o.json.details)).toEqual([]);
	const posts = klaviyo.requestLog.filter((r: any) => r.method === 'POST');
	expect(posts.map((r: any) => r.route ?? r.path)).toEqual(expect.arrayContaining([expect.stringContaining('event-bulk-create-jobs')]));
	expect(posts).toHaveLength(2); // 1 000 + 200
	const events = klaviyo.state.events;
	expect(events).toHaveLength(1200);
	expect(events.every((e: any) => e.backfill === true)).toBe(true);
	expect(new Set(events.map((e: any) => e.unique_id)).size).toBe(1200);
	expect(klaviyo.state.duplicatesDropped).toBe(0);
	// a live re-delivery of a backfilled order adds nothing (same unique_ids)
	await send(orderRequests(1, false));
	expect(klaviyo.state.events).toHaveLength(1200);
	expect(klaviyo.state.duplicatesDropped).toBe(3);
});

test('without backfill items nothing changes: one request per item', async () => {
	const out = await send(orderRequests(2, false));
	expect(out).toHaveLength(6);
	expect(klaviyo.requestLog.filter((r: any) => r.method === 'POST')).toHaveLength(6);
	expect(klaviyo.state.events.every((e: any) => !e.backfill)).toBe(true);
});

test('backfilled profiles in a bulk import job, consent as its subscription job, a failed bulk job dead-lettered as a replayable one-event bulk job', async () => {
	const customer = { id: '706405506930370084', email: 'jane@example.com', first_name: 'Jane', updated_at: '2025-01-01T00:00:00Z' };
	const profile = mapDelivery(delivery('customers/update', customer), {}).requests[0];
	const consent = mapDelivery(
		delivery('customers_email_marketing_consent/update', { customer_id: customer.id, email_address: customer.email, email_marketing_consent: { state: 'subscribed', consent_updated_at: '2024-06-01T00:00:00Z' } }),
		{},
	).requests[0];
	const mark = (r: unknown) => ({ ...(r as IDataObject), backfill: { runId: 'r2' } });
	klaviyo.setFaults([{ path: '/api/event-bulk-create-jobs', status: 400, count: 1 }]);
	const out = await send([mark(profile), mark(consent), ...orderRequests(1, true)]);
	klaviyo.setFaults([]);
	expect(out[0].json).toMatchObject({ operation: 'bulk.importProfiles', status: 202 });
	expect(out[1].json).toMatchObject({ operation: 'subscription.subscribe' });
	const jobs = klaviyo.state.jobs.map((j: any) => j.type);
	expect(jobs).toEqual(expect.arrayContaining(['profile-bulk-import-job']));
	const letters = out.filter((o) => o.json.details).map((o) => o.json.details as IDataObject);
	expect(letters).toHaveLength(3);
	for (const l of letters) {
		expect(l.operation).toBe('bulk.createEvents');
		const entries = (((l.body as any).data.attributes['events-bulk-create'].data) as any[]);
		expect(entries).toHaveLength(1);
		expect(entries[0].attributes.events.data[0].attributes.backfill).toBe(true);
	}
	// replaying a letter as it stands (Send Mapped Request) stores the event with backfill: true
	await send([{ operation: letters[0].operation, body: letters[0].body, summary: 'replay' }]);
	expect(klaviyo.state.events).toHaveLength(1);
	expect(klaviyo.state.events[0].backfill).toBe(true);
});
