'use strict';
/**
 * Webhook path: requests/s and ack latency (p50/p99) of our sync workflow (Shopify Webhook Trigger →
 * Shopify to Klaviyo → Klaviyo) versus a bare Webhook → Respond to Webhook workflow
 * (bench/workflows/bare-webhook.json, path /webhook/bench-bare) on the same n8n in the same run,
 * with signed realistic orders/create deliveries (the blueprint order, ids varied), closed-loop
 * keep-alive clients at 10 and 50 concurrent, a short warm-up and a fixed duration per cell.
 *
 * Our trigger acks at once and the execution keeps working after the ack (mapper + Klaviyo node),
 * so its cells include that work; the fake Klaviyo runs with --no-rate-limits so Klaviyo is never
 * the limit here. After each of our cells the script waits until every acked order's events reached
 * the fake ("tail": seconds from the end of the cell until the last event).
 *
 *   npm run build && node bench/webhook.js [--seconds 15] [--warmup 3] [--concurrency 10,50] [--settings defaults,lazy,tuned]
 *   env: BENCH_SECONDS, BENCH_WARMUP, BENCH_CONCURRENCY, BENCH_WEBHOOK_SETTINGS, BENCH_PORT (default 5760)
 *
 * Settings (n8n env): defaults | save-none | lazy | tuned (see bench/lib/common.js SETTINGS).
 * Prints a table; writes bench/out/webhook.json.
 */
const c = require('./lib/common');


async function cellPair(info, concurrency, { seconds, warmup, base }) {
	let i = 0;
	const next = () => c.delivery(c.makeOrder(base, i++), info);
	c.log(`  bare, ${concurrency} concurrent, ${seconds} s`);
	const bare = await c.fixedDurationLoad({ url: `${info.baseUrl}/webhook/bench-bare`, next, concurrency, seconds, warmupSeconds: warmup });
	await c.sleep(1000);
	const eventsBefore = await c.fake.eventCount(info.klaviyoUrl);
	c.log(`  ours, ${concurrency} concurrent, ${seconds} s`);
	const ours = await c.fixedDurationLoad({ url: info.webhookUrl, next, concurrency, seconds, warmupSeconds: warmup });
	const endedAt = Date.now();
	const expected = eventsBefore + ours.allOk * 3;
	const settled = await c.waitForCount(() => c.fake.eventCount(info.klaviyoUrl), {
		expected,
		stallSeconds: 75,
		maxSeconds: 300,
		intervalMs: 500,
		label: 'events after the cell',
		idle: () => c.n8nIdle(info),
	});
	ours.afterAck = {
		acked: ours.allOk,
		expectedEvents: ours.allOk * 3,
		eventsArrived: settled.count - eventsBefore,
		tailSeconds: Math.max(0, Math.round(((await c.fake.lastEventAt(info.klaviyoUrl)) - endedAt) / 100) / 10),
					complete: settled.reached,
	};
	return { concurrency, bare, ours, ratio: bare.rps ? Math.round((ours.rps / bare.rps) * 100) / 100 : null };
}

async function run({
	seconds = c.option('seconds', 'BENCH_SECONDS', 15),
	warmup = c.option('warmup', 'BENCH_WARMUP', 3),
	concurrency = c.option('concurrency', 'BENCH_CONCURRENCY', [10, 50]).map(Number),
	settings = c.option('settings', 'BENCH_WEBHOOK_SETTINGS', ['defaults', 'lazy', 'tuned']),
	port = c.option('port', 'BENCH_PORT', 5760),
} = {}) {
	const machine = c.machineInfo();
	const variants = [];
	for (const name of settings) {
		const n8nEnv = c.SETTINGS[name];
		if (!n8nEnv) throw new Error(`unknown settings "${name}" (${Object.keys(c.SETTINGS).join(', ')})`);
		const cells = await c.withStack(
			{ name: 'bench-webhook', port, klaviyoPort: port + 1, klaviyoArgs: ['--no-rate-limits'], n8nEnv },
			async (stack) => {
				const info = stack.info;
				await c.importWorkflow(info, c.readWorkflow('bench/workflows/bare-webhook.json'), { webhookPath: 'bench-bare' });
				const base = c.runBase();
				const out = [];
				for (const conc of concurrency) {
					const cell = await cellPair(info, conc, { seconds, warmup, base: base + out.length * 100000 });
					out.push(cell);
					c.log(`  → ${conc} concurrent: bare ${cell.bare.rps} req/s, ours ${cell.ours.rps} req/s (${cell.ratio}×)`);
				}
				const failedSync = await c.executionCount(info, info.syncWorkflowId, 'error').catch(() => null);
				return { cells: out, failedSyncExecutions: failedSync };
			},
		);
		variants.push({ settings: name, n8nEnv, klaviyo: 'fake, --no-rate-limits', ...cells });
	}
	const result = { benchmark: 'webhook', machine, seconds, warmup, variants };
	c.writeOut('webhook', result);
	print(result);
	return result;
}

function print(result) {
	const lines = [];
	lines.push(`Webhook path — ${result.seconds} s per cell after ${result.warmup} s warm-up, signed orders/create (3 Klaviyo events each)`);
	lines.push('settings   conc  bare req/s  p50/p99 ms      ours req/s  p50/p99 ms      ours/bare  events after ack (tail)');
	for (const v of result.variants) {
		for (const cell of v.cells) {
			const b = cell.bare;
			const o = cell.ours;
			lines.push(
				`${v.settings.padEnd(10)} ${String(cell.concurrency).padStart(4)}  ${String(b.rps).padStart(10)}  ${`${b.latencyMs.p50}/${b.latencyMs.p99}`.padEnd(14)}  ${String(o.rps).padStart(10)}  ${`${o.latencyMs.p50}/${o.latencyMs.p99}`.padEnd(14)}  ${String(cell.ratio).padStart(9)}  ${o.afterAck.eventsArrived}/${o.afterAck.expectedEvents} (+${o.afterAck.tailSeconds} s)`,
			);
		}
	}
	console.log(lines.join('\n'));
}

module.exports = { run, cellPair };

if (require.main === module) {
	run().catch((err) => {
		console.error(err && err.stack ? err.stack : err);
		process.exitCode = 1;
	});
}
