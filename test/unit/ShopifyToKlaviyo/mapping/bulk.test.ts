/**
 * Big orders: Ordered Product events in bulk jobs above the threshold, the same events either way.
 */
import { mapDelivery } from '../../../../nodes/ShopifyToKlaviyo/mapping';
import { BULK_ORDERED_PRODUCT_THRESHOLD } from '../../../../nodes/ShopifyToKlaviyo/mapping/options';
import type { KlaviyoRequestItem } from '../../../../nodes/shared/contract';
import { attrs, bigOrder, delivery, expectValid } from '../helpers';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const map = (n: number, options: Obj = {}) => mapDelivery(delivery('orders/create', bigOrder(n)), options).requests;

/** Flatten any request into [profile attributes, event attributes without profile] pairs. */
function eventsOf(request: KlaviyoRequestItem): Array<{ profile: Obj; event: Obj }> {
	if (request.operation === 'event.create') {
		const { profile, ...event } = attrs(request);
		return [{ profile: profile.data.attributes, event }];
	}
	expect(request.operation).toBe('bulk.createEvents');
	const groups = attrs(request)['events-bulk-create'].data as Obj[];
	return groups.flatMap((g) =>
		(g.attributes.events.data as Obj[]).map((e) => {
			expect(e.type).toBe('event');
			return { profile: g.attributes.profile.data.attributes, event: e.attributes };
		}),
	);
}

describe('big orders: Ordered Product events in bulk', () => {
	it('the threshold is a documented constant of 50 line items', () => {
		expect(BULK_ORDERED_PRODUCT_THRESHOLD).toBe(50);
		expect(map(50).map((r) => r.operation)).toEqual(new Array(51).fill('event.create'));
		expect(map(51).map((r) => r.operation)).toEqual(['event.create', 'bulk.createEvents']);
	});

	it('3 000 lines → Placed Order single + 3 bulk jobs of 1 000 events, every body valid', () => {
		const requests = map(3000);
		expect(requests.map((r) => r.operation)).toEqual(['event.create', 'bulk.createEvents', 'bulk.createEvents', 'bulk.createEvents']);
		expect(attrs(requests[0]).metric.data.attributes.name).toBe('Placed Order');
		expect(requests.slice(1).map((r) => eventsOf(r).length)).toEqual([1000, 1000, 1000]);
		expect(requests.slice(1).map((r) => r.summary)).toEqual([
			'Ordered Product #1001 lines 1–1000 of 3000 (bulk, 1000 events)',
			'Ordered Product #1001 lines 1001–2000 of 3000 (bulk, 1000 events)',
			'Ordered Product #1001 lines 2001–3000 of 3000 (bulk, 1000 events)',
		]);
		// one profile per job: the buyer, with all the job's events
		for (const r of requests.slice(1)) expect(attrs(r)['events-bulk-create'].data).toHaveLength(1);
		expectValid(requests);
		expect(JSON.stringify(requests)).not.toContain('"backfill"'); // real-time: flows trigger as for single events
	});

	it('bulk events equal the single ones: properties, time, value, currency, unique_id, metric, profile', () => {
		for (const n of [51, 1001, 2500]) {
			const single = map(n, { bulkOrderedProductAbove: Number.MAX_SAFE_INTEGER });
			const bulk = map(n);
			expect(single).toHaveLength(n + 1);
			expect(bulk[0]).toEqual(single[0]); // Placed Order stays a single event
			const singleEvents = single.slice(1).flatMap(eventsOf);
			const bulkEvents = bulk.slice(1).flatMap(eventsOf);
			expect(bulkEvents).toEqual(singleEvents);
			expect(new Set(bulkEvents.map((e) => e.event.unique_id)).size).toBe(n);
		}
	});

	it('the option sets the threshold (0 = always bulk); without Ordered Product events nothing is sent in bulk', () => {
		expect(map(3, { bulkOrderedProductAbove: 2 }).map((r) => r.operation)).toEqual(['event.create', 'bulk.createEvents']);
		expect(map(1, { bulkOrderedProductAbove: 0 }).map((r) => r.operation)).toEqual(['event.create', 'bulk.createEvents']);
		expect(map(3000, { lineItemEvents: false }).map((r) => r.operation)).toEqual(['event.create']);
		// a negative or non-number threshold falls back to the default
		expect(map(50, { bulkOrderedProductAbove: -1 })).toHaveLength(51);
	});

	it('mapper notes and the idempotency key travel on the bulk requests too', () => {
		const order = { ...bigOrder(60), email: undefined, phone: '555-SHIP', customer: { id: 42 } };
		const requests = mapDelivery(delivery('orders/create', order)).requests;
		expect(requests[1].operation).toBe('bulk.createEvents');
		expect(requests[1].idempotencyKey).toBe('my-store.myshopify.com:orders/create:ev-1');
		expect(requests[0].notes?.length).toBeGreaterThan(0);
		expect(requests[1].notes).toEqual(requests[0].notes);
	});
});
