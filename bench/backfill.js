'use strict';
/**
 * npm run bench:backfill — history through the shipped sync workflow's backfill, in a real n8n:
 * 25 000 historical orders (3 line items each → Placed Order + 3 Ordered Product = 100 000 events) in
 * the fake Shopify (bulk operations → JSONL), imported through Klaviyo's event-bulk-create-jobs
 * against the fake Klaviyo enforcing Klaviyo's real limits (bulk jobs 10/s, 150/min; ≤ 1 000 events
 * per job). Measures events/min over the whole run (from the moment the workflow took the request to
 * the last chunk saved: bulk export, reading, mapping, sending) and over the sending phase (first to
 * last event Klaviyo received), and checks 0 lost, 0 duplicated (every expected unique_id stored
 * once, no event sent twice: the fake's duplicatesDropped stays 0).
 *
 *   npm run build && node bench/backfill.js [--orders 25000] [--lines 3] [--port 5820] [--settings lazy]
 *   env: BENCH_BACKFILL_ORDERS, BENCH_BACKFILL_LINES, BENCH_PORT_BACKFILL (n8n; fake Klaviyo +1, fake Shopify +2)
 *
 * Writes bench/out/backfill.json and prints `backfill-events-per-min: N`.
 */
const axios = require('axios');
const c = require('./lib/common');
const { createFakeShopify } = require('../test/fake-shopify/server');
const { SHOP } = require('../test/e2e/stack');
const { requestBackfill, followBackfill } = require('../scripts/backfill');

const TOKEN = 'shpat_bench_backfill';

function historicalOrder(i, lines) {
	const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
	return {
		id: `6${String(i).padStart(17, '0')}`,
		name: `#B${100000 + i}`,
		email: `buyer${i % 5000}@example.com`,
		currency: 'USD',
		total_price: (19.99 * lines).toFixed(2),
		subtotal_price: (19.99 * lines).toFixed(2),
		created_at: at,
		updated_at: at,
		processed_at: at,
		customer: { id: `5${String(i % 5000).padStart(15, '0')}`, email: `buyer${i % 5000}@example.com`, first_name: 'Bench', last_name: `Buyer ${i % 5000}` },
		line_items: Array.from({ length: lines }, (_, k) => ({
			id: `7${String(i).padStart(12, '0')}${k}`,
			product_id: `91000000000${k}`,
			variant_id: `92000000000${k}`,
			sku: `SKU-${k}`,
			title: `Product ${k}`,
			name: `Product ${k}`,
			price: '19.99',
			quantity: 1,
		})),
	};
}

async function run({
	orders = Number(c.option('orders', 'BENCH_BACKFILL_ORDERS', 25000)),
	lines = Number(c.option('lines', 'BENCH_BACKFILL_LINES', 3)),
	port = Number(c.option('port', 'BENCH_PORT_BACKFILL', 5820)),
	settings = c.option('settings', 'BENCH_BACKFILL_SETTINGS', 'lazy'),
} = {}) {
	const machine = c.machineInfo();
	const expected = orders * (lines + 1);
	const shopify = createFakeShopify({ shop: SHOP, accessToken: TOKEN, bulkDelayMs: 1000 });
	await shopify.start(port + 2);
	try {
		for (let i = 0; i < orders; i++) shopify.addOrder(historicalOrder(i, lines));
		c.log(`fake Shopify on ${shopify.url} with ${orders} historical orders (${expected} events expected)`);
		return await c.withStack(
			{ name: 'bench-backfill', port, klaviyoPort: port + 1, recovery: false, shopify: { url: shopify.url, token: TOKEN }, n8nEnv: c.SETTINGS[settings] || {} },
			async (stack) => {
				const { baseUrl, apiKey, klaviyoUrl } = stack.info;
				const requestedAt = Date.now();
				const { runId, rowsUrl } = await requestBackfill({ baseUrl, apiKey, since: '2024-01-01T00:00:00.000Z' });
				const row = await followBackfill({ baseUrl, apiKey, runId, rowsUrl, log: (l) => c.log(l), intervalMs: 1000 });
				const state = (await axios.get(`${klaviyoUrl}/__admin/state`, { maxContentLength: Infinity, maxBodyLength: Infinity })).data;
				const events = state.events;
				const ids = new Set(events.map((e) => `${e.metric}|${e.unique_id}`));
				const received = events.map((e) => Date.parse(e.receivedAt)).filter(Number.isFinite).sort((a, b) => a - b);
				const startedMs = Date.parse(row.startedAt);
				const finishedMs = Date.parse(row.finishedAt);
				const runSeconds = (finishedMs - startedMs) / 1000;
				const sendSeconds = received.length > 1 ? (received[received.length - 1] - received[0]) / 1000 : NaN;
				const bulkJobs = (state.jobs || []).filter((j) => j.type === 'event-bulk-create-job').length;
				const result = {
					machine,
					settings,
					orders,
					linesPerOrder: lines,
					expectedEvents: expected,
					storedEvents: events.length,
					uniqueEvents: ids.size,
					lost: expected - ids.size,
					duplicatesDropped: state.duplicatesDropped,
					duplicated: events.length - ids.size + state.duplicatesDropped,
					allBackfill: events.every((e) => e.backfill === true),
					bulkJobs,
					pickupSeconds: Math.round((startedMs - requestedAt) / 100) / 10,
					runSeconds: Math.round(runSeconds * 10) / 10,
					sendSeconds: Math.round(sendSeconds * 10) / 10,
					eventsPerMinRun: Math.round((ids.size / runSeconds) * 60),
					eventsPerMinSending: Math.round((ids.size / sendSeconds) * 60),
					singleEventSteadyLimitPerMin: c.EVENTS_LIMIT.steadyPerMinute,
					row,
				};
				result.timesSingleEventLimit = Math.round((result.eventsPerMinRun / c.EVENTS_LIMIT.steadyPerMinute) * 10) / 10;
				c.writeOut('backfill', result);
				c.log(`${ids.size}/${expected} events (lost ${result.lost}, duplicated ${result.duplicated}), all backfill: ${result.allBackfill}, ${bulkJobs} bulk jobs`);
				c.log(`run ${result.runSeconds} s (pickup ${result.pickupSeconds} s before it), sending ${result.sendSeconds} s`);
				console.log(`backfill-events-per-min: ${result.eventsPerMinRun}`);
				console.log(`(${result.timesSingleEventLimit}× the single-event steady limit of ${c.EVENTS_LIMIT.steadyPerMinute}/min; sending phase alone ${result.eventsPerMinSending}/min)`);
				return result;
			},
		);
	} finally {
		await shopify.stop();
	}
}

module.exports = { run };

if (require.main === module) {
	run().catch((err) => {
		console.error(err.stack || err.message);
		process.exit(1);
	});
}
