'use strict';
/**
 * A 429 storm in real n8n (main mode only: it takes a while, and the Klaviyo node's limiter is
 * per process, so one pass is what it shows; `*.main.test.js` files are left out of the queue pass).
 *
 * Klaviyo answers 429 to EVERY request for a few seconds (a time-windowed fault, Retry-After = the
 * seconds left), while a burst of orders arrives at once. A client that retries earlier than
 * Retry-After, or whose concurrent requests each spend an attempt on the pause, collects 429 after
 * 429; ours must:
 *   - never retry earlier than the Retry-After it was given (the fake's early-retry check);
 *   - get at most one 429 per request, and none for requests that start after the first 429 came
 *     back (the 429 pauses the endpoint for the whole process): the 429s received stay close to
 *     the number of requests that were already on the wire when the window opened;
 *   - deliver every event exactly once, with no dead letter.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { SYNC, deliveryExecutions, stack, deliver, klaviyoState, klaviyoReset, deadLetters, settledExecutions } = require('./helpers');

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));
const WINDOW_SECONDS = 4;
const ORDERS = 8;

jest.setTimeout(240000);

describe('429 storm (main mode)', () => {
	beforeEach(async () => {
		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
	});
	afterEach(async () => {
		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
	});

	it('every request waits its Retry-After, the pause holds the endpoint, every event arrives once', async () => {
		const base = fixture('order-blueprint.json');
		const orders = Array.from({ length: ORDERS }, (_, i) => ({ ...base, id: 800000000001 + i, name: `#${8001 + i}` }));
		const expectedIds = orders.flatMap((o) => [`shopify:order:${o.id}:placed`, ...o.line_items.map((li) => `shopify:order:${o.id}:line:${li.id}`)]);
		// the window opens with the first event request and closes WINDOW_SECONDS later
		await axios.post(`${stack().klaviyoUrl}/__admin/faults`, [{ id: 'storm', path: '/api/events', status: 429, windowSeconds: WINDOW_SECONDS }]);

		const before = (await deliveryExecutions()).length;
		const answers = await Promise.all(orders.map((o) => deliver('orders/create', o, { eventId: `evt-storm-${o.id}` })));
		expect(answers.map((a) => a.status)).toEqual(Array(ORDERS).fill(200));
		const ex = await settledExecutions(SYNC(), before + ORDERS, { timeoutMs: 180000 });
		expect(ex).toHaveLength(before + ORDERS);
		expect(ex.slice(0, ORDERS).map((e) => e.status)).toEqual(Array(ORDERS).fill('success'));

		const { requests: log } = (await axios.get(`${stack().klaviyoUrl}/__admin/requests`)).data;
		const events = log.filter((r) => r.route === 'POST /api/events');
		const throttled = events.filter((r) => r.status === 429);
		const firstThrottled = throttled[0];

		// the storm happened, and only the injected window throttled (no rate-limit 429 of the fake's own)
		expect(firstThrottled).toBeDefined();
		expect(throttled.every((r) => r.fault === 'storm')).toBe(true);
		// no retry earlier than its Retry-After
		expect((await axios.get(`${stack().klaviyoUrl}/__admin/early-retries`)).data).toEqual({ count: 0, earlyRetries: [] });
		// at most one 429 per request body: the retry came after the window, never into it again
		const perBody = new Map();
		for (const r of throttled) perBody.set(r.bodySha, (perBody.get(r.bodySha) || 0) + 1);
		expect([...perBody.values()].filter((n) => n > 1)).toEqual([]);
		// the pause holds the endpoint: once the first 429 is back (allow 1 s for requests already on
		// the wire), no request of the burst is sent into the window — it waits for the window to end
		const intoWindow = throttled.filter((r) => r.at > firstThrottled.at + 1000);
		expect(intoWindow).toEqual([]);
		const accepted = events.filter((r) => r.status === 202);
		// the requests our code sent: one 202 per event (no retry of a stored event), the 429s, nothing else
		expect(accepted).toHaveLength(expectedIds.length);
		expect(events).toHaveLength(expectedIds.length + throttled.length);
		process.stderr.write(`[storm] ${throttled.length} × 429 received for ${expectedIds.length} events (${ORDERS} orders), window ${WINDOW_SECONDS} s\n`);

		const state = await klaviyoState();
		expect(state.events.map((e) => e.unique_id).sort()).toEqual([...expectedIds].sort());
		expect(state.duplicatesDropped).toBe(0);
		expect(state.rejected).toEqual([]);
		expect((await deadLetters()).filter((r) => /#80\d\d/.test(String(r.summary)))).toEqual([]);
	});
});
