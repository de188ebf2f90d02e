#!/usr/bin/env node
'use strict';
/**
 * npm run bench:reconcile — what one reconciliation run costs on a QUIET store: Shopify holds
 * BENCH_RECONCILE_ORDERS orders (default 50) updated in the last hour, every one already delivered live
 * through the webhook; a first run sets the checkpoint, then BENCH_RECONCILE_RUNS runs (default 3) are
 * measured: Shopify GraphQL calls (counted by the fake Shopify), Klaviyo requests (counted by the fake
 * Klaviyo), seconds (n8n's execution start → stop). Real n8n 2.41.1 with the shipped workflow; the runs
 * are started the way the editor's Execute workflow starts "Reconcile every 15 min".
 * Ports: BENCH_RECONCILE_PORT (default 5790) for n8n, +1 fake Klaviyo, +8 fake Shopify.
 */
const axios = require('axios');
const os = require('node:os');
const { startStack } = require('../test/e2e/stack');

const PORT = Number(process.env.BENCH_RECONCILE_PORT || 5790);
const ORDERS = Number(process.env.BENCH_RECONCILE_ORDERS || 50);
const RUNS = Number(process.env.BENCH_RECONCILE_RUNS || 3);
const NAME = 'bench-reconcile';

async function main() {
	process.env.E2E_STACK = NAME;
	const { info, stop } = await startStack({ name: NAME, port: PORT, klaviyoPort: PORT + 1, shopifyPort: PORT + 8, recovery: false });
	const helpers = require('../test/e2e/helpers');
	try {
		const fixture = require('../test/fixtures/shopify/order-blueprint.json');
		const now = Date.now();
		const orders = Array.from({ length: ORDERS }, (_, i) => {
			const at = new Date(Math.floor((now - (ORDERS - i) * 30000) / 1000) * 1000).toISOString();
			return { ...fixture, id: 6600000000000 + i, name: `#Q${i}`, email: `quiet-${i}@example.com`, created_at: at, updated_at: at, line_items: fixture.line_items.map((li, j) => ({ ...li, id: 66000000 + i * 10 + j })) };
		});
		const before = (await helpers.deliveryExecutions()).length;
		for (const o of orders) if ((await helpers.deliver('orders/create', o)).status !== 200) throw new Error('a live delivery was refused');
		await helpers.settledExecutions(helpers.SYNC(), before + ORDERS, { timeoutMs: 300000 });
		await axios.post(`${info.shopifyUrl}/__admin/orders`, orders);
		const rest = axios.create({ baseURL: `${info.baseUrl}/rest`, headers: { cookie: info.cookie, 'browser-id': info.browserId } });
		const klaviyoSeq = async () => {
			const { requests } = (await axios.get(`${info.klaviyoUrl}/__admin/requests`)).data;
			return requests.length ? requests[requests.length - 1].seq : 0;
		};
		const runOnce = async () => {
			const res = await rest.post(`/workflows/${info.syncWorkflowId}/run`, { triggerToStartFrom: { name: 'Reconcile every 15 min' } });
			const id = (res.data.data || res.data).executionId;
			return helpers.waitFor(async () => {
				const ex = await helpers.n8nApi('get', `/executions/${id}`, { includeData: false });
				return ex.stoppedAt ? ex : false;
			}, { timeoutMs: 120000, intervalMs: 200, what: `execution ${id}` });
		};
		const first = await runOnce();
		if (first.status !== 'success') throw new Error(`the first run ended ${first.status}`);
		const results = [];
		for (let r = 0; r < RUNS; r++) {
			await axios.post(`${info.shopifyUrl}/__admin/stats/reset`);
			const k0 = await klaviyoSeq();
			const ex = await runOnce();
			const shop = (await axios.get(`${info.shopifyUrl}/__admin/summary`)).data;
			results.push({ status: ex.status, shopifyCalls: shop.graphqlCalls, throttled: shop.throttled, byOperation: shop.byOperation, klaviyoRequests: (await klaviyoSeq()) - k0, seconds: (Date.parse(ex.stoppedAt) - Date.parse(ex.startedAt)) / 1000 });
		}
		const out = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GB`, ordersInWindow: ORDERS, runs: results };
		console.log(JSON.stringify(out, null, 2));
		for (const r of results) console.log(`reconciliation (quiet store, ${ORDERS} orders in the window, all delivered live): ${r.status}, Shopify calls ${r.shopifyCalls} (${r.throttled} answered THROTTLED), Klaviyo requests ${r.klaviyoRequests}, ${r.seconds.toFixed(2)} s`);
	} finally {
		await stop();
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
