'use strict';
/**
 * Reconciliation against the fake Shopify (main mode only: not mode-specific, run once). The shipped
 * sync's "Reconcile every 15 min" is run now the way the editor's *Execute workflow* does; each run
 * reads the orders Shopify changed since the checkpoint:
 *   - an order already delivered live → no Klaviyo request at all;
 *   - orders created in Shopify with no webhook → in Klaviyo after ONE run, exactly once, and the
 *     'missed-by-live-path' alert item on the Sync alert output;
 *   - the next run (its overlap re-reads them) → no Klaviyo request, no alert.
 * Every request our code sent is counted at the fake Klaviyo.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { SYNC, stack, deliver, n8nApi, waitFor, settledExecutions, deliveryExecutions } = require('./helpers');

jest.setTimeout(240000);
const TRIGGER = 'Reconcile every 15 min';
const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));
/** How many requests the fake Klaviyo has received so far (its log is capped; its sequence number is not). */
const klaviyoRequests = async () => {
	const { requests } = (await axios.get(`${stack().klaviyoUrl}/__admin/requests`)).data;
	return requests.length ? requests[requests.length - 1].seq : 0;
};
const eventsWith = async (uniqueId) => (await axios.get(`${stack().klaviyoUrl}/__admin/events`, { params: { unique_id: uniqueId } })).data.count;
const addToShopify = (orders) => axios.post(`${stack().shopifyUrl}/__admin/orders`, orders);
const wholeSeconds = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

/** Run the reconciliation as the editor's Execute workflow on its trigger does; the finished execution with its data. */
async function reconcile() {
	const s = stack();
	const rest = axios.create({ baseURL: `${s.baseUrl}/rest`, headers: { cookie: s.cookie, 'browser-id': s.browserId } });
	const res = await rest.post(`/workflows/${SYNC()}/run`, { triggerToStartFrom: { name: TRIGGER } });
	const executionId = (res.data.data || res.data).executionId;
	expect(executionId).toBeTruthy();
	return waitFor(
		async () => {
			const ex = await n8nApi('get', `/executions/${executionId}`, { includeData: true });
			return ex.finished || ex.stoppedAt ? ex : false;
		},
		{ timeoutMs: 120000, intervalMs: 500, what: `reconciliation execution ${executionId}` },
	);
}
const output = (ex, node) => {
	const runs = ex.data.resultData.runData[node];
	return runs ? (runs[0].data.main[0] || []).map((i) => i.json) : [];
};

describe('reconciliation against Shopify (fake Shopify, shipped workflow)', () => {
	const base = { ...fixture('order-blueprint.json') };
	const order = (id, ms) => ({ ...base, id, name: `#R${String(id).slice(-4)}`, email: `recon-${id}@example.com`, created_at: wholeSeconds(ms), updated_at: wholeSeconds(ms), line_items: base.line_items.map((li, i) => ({ ...li, id: Number(`${id}`.slice(-9)) * 10 + i })) });
	const now = Date.now();
	const live = order(5500000000001, now - 5 * 60000);
	const missed = [order(5500000000002, now - 2 * 60000), order(5500000000003, now - 90000)];

	it('an order already delivered live: the run costs Shopify calls only, no Klaviyo request, no alert', async () => {
		const before = (await deliveryExecutions()).length;
		expect((await deliver('orders/create', live)).status).toBe(200);
		await settledExecutions(SYNC(), before + 1);
		expect(await eventsWith(`shopify:order:${live.id}:placed`)).toBe(1);
		await addToShopify([live]);
		const requests = await klaviyoRequests();
		const ex = await reconcile();
		expect(ex.status).toBe('success');
		const decided = output(ex, 'What reconciliation sends')[0];
		expect(decided.objectsRead).toBeGreaterThanOrEqual(1);
		expect(decided.send).toBe(false);
		expect(await klaviyoRequests()).toBe(requests);
		expect(output(ex, 'Sync alert')).toEqual([]);
		expect(output(ex, 'Reconciliation result')[0]).toMatchObject({ lastRunStatus: 'ok', lastRunSent: 0 });
	});

	it('orders created in Shopify without a webhook reach Klaviyo in one run, exactly once, with a missed-by-live-path alert; the next run sends nothing', async () => {
		await addToShopify(missed);
		const requests = await klaviyoRequests();
		const ex = await reconcile();
		expect(ex.status).toBe('success');
		for (const o of missed) {
			expect(await eventsWith(`shopify:order:${o.id}:placed`)).toBe(1);
			for (const li of o.line_items) expect(await eventsWith(`shopify:order:${o.id}:line:${li.id}`)).toBe(1);
		}
		expect(await eventsWith(`shopify:order:${live.id}:placed`)).toBe(1);
		// exactly the requests of the two missed orders: one Placed Order + one Ordered Product per line each
		const sent = (await klaviyoRequests()) - requests;
		expect(sent).toBe(missed.reduce((n, o) => n + 1 + o.line_items.length, 0));
		const alerts = output(ex, 'Sync alert');
		expect(alerts).toHaveLength(1);
		expect(alerts[0]).toMatchObject({ alert: 'missed-by-live-path', count: 2, subject: 'Shopify → Klaviyo sync: missed-by-live-path' });
		expect(alerts[0].objects.sort()).toEqual(missed.map((o) => `order:${o.id}`).sort());
		const state = output(ex, 'Reconciliation result')[0];
		expect(state).toMatchObject({ lastRunStatus: 'ok', lastRunSent: 2 });
		expect(Date.parse(state.checkpoint)).toBeGreaterThan(now - 60000);

		// the overlap window reads them again: already applied, so nothing is sent and nothing alerts
		const again = await klaviyoRequests();
		const next = await reconcile();
		expect(next.status).toBe('success');
		expect(output(next, 'What reconciliation sends')[0].send).toBe(false);
		expect(await klaviyoRequests()).toBe(again);
		expect(output(next, 'Sync alert')).toEqual([]);
	});
});
