'use strict';
/**
 * n8n queue mode on PostgreSQL — what issue "production queue mode" asks to measure, on the set-up
 * `npm run start:queue` runs (PostgreSQL cluster + Redis + main + 2 workers, test/e2e/stack.js
 * `mode: 'queue', db: 'postgres'`):
 *
 *  1. shared limits: a burst of 2 000 orders (6 000 events) drained by 2 workers against the fake
 *     Klaviyo with Klaviyo's real limits (events 350/s, 3 500/min), with the Klaviyo credential's
 *     "Processes Sharing the Limits" = 2 (each worker paces to half) and, for comparison, = 1 (each
 *     worker paces to the whole account, as before). Reports the drain as a share of the steady limit
 *     (target ≥ 95 %), the 429s as a share of event requests (target < 2 %), lost and duplicated events.
 *  2. the webhook path: acks/s and ack p50/p99 of the sync versus a bare Webhook → Respond to Webhook
 *     workflow (bench/workflows/bare-webhook.json) on the same queue-mode n8n, 50 (and 10) concurrent
 *     deliveries, fake Klaviyo without limits (target: ack p99 under 1 s at 50).
 *
 *   npm run build && node bench/queue-postgres.js [--orders 2000] [--shares 2,1] [--seconds 15] [--concurrency 10,50]
 *        [--parts drain,webhook] [--scale 1] [--port 5920] [--redis-port 6592]
 *   --scale: the fake's limits × this (e.g. 0.1: events 35/s, 350/min) so that Klaviyo, not n8n, sets the
 *   pace on a machine too slow or too busy to reach Klaviyo's real limits
 *   env: BENCH_QPG_ORDERS, BENCH_QPG_SHARES, BENCH_KLAVIYO_SCALE, BENCH_SECONDS, BENCH_WARMUP, BENCH_CONCURRENCY, BENCH_QPG_PARTS,
 *        BENCH_PORT_QPG (default 5780: fake +1, workers +2…+5, main's task runner +9, PostgreSQL +31),
 *        BENCH_REDIS_PORT_QPG (default 6396)
 *
 * Writes bench/out/queue-postgres.json.
 */
const c = require('./lib/common');
const { drain, OURS } = require('./drain');
const { cellPair } = require('./webhook');

function stackOpts({ name, port, redisPort, klaviyoArgs = [], klaviyoShare }) {
	return {
		name,
		port,
		klaviyoPort: port + 1,
		klaviyoArgs,
		mode: 'queue',
		db: 'postgres',
		workers: 2,
		redisPort,
		workerBasePort: port + 2,
		postgresPort: port + 31,
		klaviyoShare,
		n8nEnv: { ...c.SETTINGS.lazy, N8N_RUNNERS_BROKER_PORT: String(port + 9) },
	};
}

function eventRequests(d) {
	const r = d.klaviyoRequests['POST /api/events'] || {};
	return Object.values(r).reduce((a, b) => a + b, 0);
}

async function run({
	orders = c.option('orders', 'BENCH_QPG_ORDERS', 2000),
	shares = c.option('shares', 'BENCH_QPG_SHARES', [2, 1]).map(Number),
	seconds = c.option('seconds', 'BENCH_SECONDS', 15),
	warmup = c.option('warmup', 'BENCH_WARMUP', 3),
	concurrency = c.option('concurrency', 'BENCH_CONCURRENCY', [10, 50]).map(Number),
	parts = c.option('parts', 'BENCH_QPG_PARTS', ['drain', 'webhook']),
	scale = c.option('scale', 'BENCH_KLAVIYO_SCALE', 1),
	port = c.option('port', 'BENCH_PORT_QPG', 5780),
	redisPort = c.option('redis-port', 'BENCH_REDIS_PORT_QPG', 6396),
} = {}) {
	const machine = c.machineInfo();
	const result = { benchmark: 'queue-postgres', machine, orders, scale, drains: [], webhook: null };
	if (parts.includes('drain')) {
		for (const share of shares) {
			const klaviyoArgs = scale === 1 ? [] : ['--scale', String(scale)];
			const d = await c.withStack(stackOpts({ name: 'bench-qpg-drain', port, redisPort, klaviyoShare: share, klaviyoArgs }), async (stack) => {
				const info = stack.info;
				const pids = [info.pids.n8n, ...info.workers.map((w) => w.pid)];
				c.log(`  drain of ${orders} orders, 2 workers, Processes Sharing the Limits = ${share}`);
				const out = await drain(info, { orders, concurrency: 50, flow: { url: info.webhookUrl, ...OURS }, pids, scale });
				out.failedExecutions = await c.executionCount(info, info.syncWorkflowId, 'error').catch(() => null);
				return out;
			});
			d.share = share;
			d.eventRequests = eventRequests(d);
			d.share429 = d.eventRequests ? Math.round((d.events429 / d.eventRequests) * 10000) / 10000 : 0;
			result.drains.push(d);
			c.log(`  → share ${share}: ${drainLine(d)}`);
		}
	}
	if (parts.includes('webhook')) {
		result.webhook = await c.withStack(stackOpts({ name: 'bench-qpg-webhook', port, redisPort, klaviyoArgs: ['--no-rate-limits'] }), async (stack) => {
			const info = stack.info;
			await c.importWorkflow(info, c.readWorkflow('bench/workflows/bare-webhook.json'), { webhookPath: 'bench-bare' });
			const base = c.runBase();
			const cells = [];
			for (const conc of concurrency) {
				const cell = await cellPair(info, conc, { seconds, warmup, base: base + cells.length * 100000 });
				cells.push(cell);
				c.log(`  → ${conc} concurrent: bare ${cell.bare.rps} req/s p99 ${cell.bare.latencyMs.p99} ms, ours ${cell.ours.rps} req/s p99 ${cell.ours.latencyMs.p99} ms (${cell.ratio}×)`);
			}
			return { settings: 'lazy', cells, failedSyncExecutions: await c.executionCount(info, info.syncWorkflowId, 'error').catch(() => null) };
		});
	}
	c.writeOut('queue-postgres', result);
	print(result);
	return result;
}

function drainLine(d) {
	return (
		`${d.storedEvents}/${d.expectedEvents} events in ${d.drainSeconds} s → ${d.eventsPerMinute}/min = ${Math.round(d.shareOfSteadyLimit * 100)} % of ${d.limits.steadyPerMinute}/min ` +
		`(${Math.round(d.shareOfIdeal * 100)} % of the fastest the limits allow, ${d.idealDrainSeconds} s); 429s ${d.events429} of ${d.eventRequests} event requests ` +
		`(${Math.round(d.share429 * 1000) / 10} %); lost ${d.lost}, duplicated ${d.duplicated}; acks p99 ${d.ack.latencyMs.p99} ms`
	);
}

function print(result) {
	console.log(`Queue mode on PostgreSQL, 2 workers — ${result.machine.date}, load at start ${result.machine.loadAverageAtStart.join(' / ')}`);
	for (const d of result.drains) console.log(`drain, Processes Sharing the Limits = ${d.share}: ${drainLine(d)}`);
	if (result.webhook)
		for (const cell of result.webhook.cells)
			console.log(
				`webhook ${cell.concurrency} concurrent: bare ${cell.bare.rps} req/s p50/p99 ${cell.bare.latencyMs.p50}/${cell.bare.latencyMs.p99} ms; ours ${cell.ours.rps} req/s p50/p99 ${cell.ours.latencyMs.p50}/${cell.ours.latencyMs.p99} ms (${cell.ratio}×); events ${cell.ours.afterAck.eventsArrived}/${cell.ours.afterAck.expectedEvents} (+${cell.ours.afterAck.tailSeconds} s)`,
			);
}

module.exports = { run };

if (require.main === module) {
	run().catch((err) => {
		console.error(err && err.stack ? err.stack : err);
		process.exitCode = 1;
	});
}
