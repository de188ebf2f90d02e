'use strict';
/**
 * n8n main mode versus queue mode (Redis + 1 and 2 `n8n worker` processes, test/e2e/stack.js
 * `startStack({ mode: 'queue', workers })`) for the shipped sync workflow, on the same machine:
 *
 *  1. a smaller drain (default 1 000 orders → 3 000 events) against the fake Klaviyo with Klaviyo's
 *     real limits — time, events/min, lost, duplicated, 429s (each worker paces itself; the
 *     Klaviyo node's limiter is per process), CPU of main + workers;
 *  2. then the webhook path with the fake's limits switched off: acks/s and ack p50/p99 at 10 and 50
 *     concurrent, plus how long the executions behind those acks took to reach Klaviyo (in queue mode
 *     main only enqueues; the workers do the work).
 *
 *   npm run build && node bench/queue.js [--orders 1000] [--seconds 10] [--modes main,queue1,queue2] [--settings lazy]
 *   env: BENCH_QUEUE_ORDERS, BENCH_QUEUE_SECONDS, BENCH_QUEUE_MODES, BENCH_QUEUE_SETTINGS, BENCH_CONCURRENCY,
 *        BENCH_PORT_QUEUE (default 5790; workers use +2…+5), BENCH_REDIS_PORT (default 6395)
 *
 * Writes bench/out/queue.json.
 */
const c = require('./lib/common');
const { drain, summaryLine, OURS } = require('./drain');


function modeOf(name) {
	if (name === 'main') return { mode: 'main', workers: 0 };
	const m = /^queue(\d+)$/.exec(name);
	if (!m) throw new Error(`unknown mode "${name}" (main, queue1, queue2, …)`);
	return { mode: 'queue', workers: Number(m[1]) };
}

async function run({
	orders = c.option('orders', 'BENCH_QUEUE_ORDERS', 1000),
	seconds = c.option('seconds', 'BENCH_QUEUE_SECONDS', 10),
	warmup = c.option('warmup', 'BENCH_WARMUP', 3),
	concurrency = c.option('concurrency', 'BENCH_CONCURRENCY', [10, 50]).map(Number),
	modes = c.option('modes', 'BENCH_QUEUE_MODES', ['main', 'queue1', 'queue2']),
	settings = c.option('settings', 'BENCH_QUEUE_SETTINGS', 'lazy'),
	port = c.option('port', 'BENCH_PORT_QUEUE', 5790),
	redisPort = c.option('redis-port', 'BENCH_REDIS_PORT', 6395),
} = {}) {
	const machine = c.machineInfo();
	const n8nEnv = c.SETTINGS[settings];
	if (!n8nEnv) throw new Error(`unknown settings "${settings}" (${Object.keys(c.SETTINGS).join(', ')})`);
	const runs = [];
	for (const name of modes) {
		const { mode, workers } = modeOf(name);
		const opts = { name: `bench-queue-${name}`, port, klaviyoPort: port + 1, n8nEnv };
		if (mode === 'queue') Object.assign(opts, { mode, workers, redisPort, workerBasePort: port + 2 });
		const r = await c.withStack(opts, async (stack) => {
			const info = stack.info;
			const pids = [info.pids.n8n, ...(info.workers || []).map((w) => w.pid)];
			c.log(`  ${name}: drain of ${orders} orders (real limits)`);
			const d = await drain(info, { orders, concurrency: 50, flow: { url: info.webhookUrl, ...OURS }, pids });
			d.failedExecutions = await c.executionCount(info, info.syncWorkflowId, 'error').catch(() => null);
			c.log(`  → ${summaryLine(d)}`);
			await c.fake.config(info.klaviyoUrl, { rateLimits: false });
			const cells = [];
			let i = 0;
			const base = c.runBase() + 500000;
			const next = () => c.delivery(c.makeOrder(base, i++), info);
			for (const conc of concurrency) {
				const before = await c.fake.eventCount(info.klaviyoUrl);
				c.log(`  ${name}: webhook path, ${conc} concurrent, ${seconds} s`);
				const cell = await c.fixedDurationLoad({ url: info.webhookUrl, next, concurrency: conc, seconds, warmupSeconds: warmup });
				const endedAt = Date.now();
				const settled = await c.waitForCount(() => c.fake.eventCount(info.klaviyoUrl), {
					expected: before + cell.allOk * 3,
					stallSeconds: 75,
					maxSeconds: 300,
					intervalMs: 500,
					label: 'events after the cell',
					idle: () => c.n8nIdle(info),
				});
				cell.afterAck = {
					acked: cell.allOk,
					expectedEvents: cell.allOk * 3,
					eventsArrived: settled.count - before,
					tailSeconds: Math.max(0, Math.round(((await c.fake.lastEventAt(info.klaviyoUrl)) - endedAt) / 100) / 10),
					complete: settled.reached,
				};
				cells.push(cell);
				c.log(`  → ${cell.rps} acks/s, p99 ${cell.latencyMs.p99} ms, last event ${cell.afterAck.tailSeconds} s after the cell`);
			}
			return { drain: d, webhook: cells };
		});
		runs.push({ mode: name, workers, settings, n8nEnv, ...r });
	}
	const result = { benchmark: 'queue', machine, orders, seconds, warmup, runs };
	c.writeOut('queue', result);
	console.log(`Queue mode vs main mode — settings ${settings}, drain ${orders} orders (real limits), webhook ${seconds} s cells (no limits)`);
	for (const r of runs) {
		console.log(`${r.mode.padEnd(7)} drain: ${summaryLine(r.drain)}`);
		for (const cell of r.webhook)
			console.log(
				`${''.padEnd(7)} webhook ${cell.concurrency} concurrent: ${cell.rps} acks/s, p50/p99 ${cell.latencyMs.p50}/${cell.latencyMs.p99} ms, events ${cell.afterAck.eventsArrived}/${cell.afterAck.expectedEvents} (+${cell.afterAck.tailSeconds} s)`,
			);
	}
	return result;
}

module.exports = { run };

if (require.main === module) {
	run().catch((err) => {
		console.error(err && err.stack ? err.stack : err);
		process.exitCode = 1;
	});
}
