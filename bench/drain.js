'use strict';
/**
 * Drain: N signed orders/create deliveries arriving at once (sent as fast as n8n accepts them, at most
 * `concurrency` in flight) through the shipped sync workflow, against the fake Klaviyo enforcing
 * Klaviyo's real limits (events 350/s burst and 3 500/min steady; profile-import 75/s and 750/min).
 *
 * Reports: time to drain (first delivery sent → last event accepted by the fake), events/min achieved
 * and as a share of the 3 500/min steady limit, the same against the fastest drain the limits allow
 * (sliding windows, computed), events per minute of the run (shows whether Klaviyo or n8n was the
 * limit), lost (expected unique_ids missing from the fake), duplicated (a unique_id stored twice)
 * and re-sends Klaviyo dropped as duplicates, 429s seen, failed executions, ack latency, and
 * n8n's CPU share / peak memory.
 *
 * Expected events per order: Placed Order + one Ordered Product per line item (the blueprint
 * order has 2 → 3 events; nodes/ShopifyToKlaviyo/mapping/order.ts).
 *
 *   npm run build && node bench/drain.js [--orders 5000] [--concurrency 50] [--settings lazy,defaults]
 *   env: BENCH_ORDERS, BENCH_CONCURRENCY_DRAIN, BENCH_DRAIN_SETTINGS, BENCH_PORT_DRAIN (default 5764),
 *        BENCH_KLAVIYO_SCALE (--scale: the fake's limits × this, e.g. 0.25 to make Klaviyo the limit on a slow machine)
 *
 * Writes bench/out/drain.json. `drain()` is reused by bench/hand-built.js and bench/queue.js.
 */
const c = require('./lib/common');


/** Our events are identified by the mapper's unique_id. */
const OURS = {
	expectedKeys: (order) => c.expectedUniqueIds(order),
	keyOf: (event) => event.unique_id,
};

/**
 * One drain against a running stack. `flow` = { url, expectedKeys(order), keyOf(event), classify? }.
 * The fake is reset first; its limits are whatever the stack was started with.
 */
async function drain(info, { orders, concurrency, flow, stallSeconds = 90, maxSeconds = 1800, pids = [], scale = 1 }) {
	await c.fake.reset(info.klaviyoUrl);
	const base = c.runBase();
	const list = Array.from({ length: orders }, (_, i) => c.makeOrder(base, i));
	const deliveries = list.map((o) => c.delivery(o, info));
	const expected = new Map();
	list.forEach((o) => flow.expectedKeys(o).forEach((k) => expected.set(k, o.id)));
	const sampler = c.sampleProcesses(pids.length ? pids : [info.pids && info.pids.n8n]);
	c.log(`  sending ${orders} orders (${expected.size} events expected), ${concurrency} in flight`);
	const sent = await c.sendAll({ url: flow.url, deliveries, concurrency });
	c.log(`  all answered in ${sent.seconds} s (${sent.acceptedPerSecond}/s accepted): ${JSON.stringify(sent.statuses)}`);
	const wait = await c.waitForCount(() => c.fake.eventCount(info.klaviyoUrl), {
		expected: expected.size,
		stallSeconds,
		maxSeconds,
		label: 'events',
		idle: () => c.n8nIdle(info),
	});
	const proc = sampler.stop();
	const state = await c.fake.state(info.klaviyoUrl);
	return analyse({ state, expected, flow, sent, wait, proc, orders, concurrency, limits: scaledLimits(scale) });
}

/** The events endpoint's limits as the fake enforces them with `--scale` (floor, at least 1). */
function scaledLimits(scale = 1) {
	return {
		scale,
		burstPerSecond: Math.max(1, Math.floor(c.EVENTS_LIMIT.burstPerSecond * scale)),
		steadyPerMinute: Math.max(1, Math.floor(c.EVENTS_LIMIT.steadyPerMinute * scale)),
	};
}

function analyse({ state, expected, flow, sent, wait, proc, orders, concurrency, limits = scaledLimits(1) }) {
	const t0 = sent.startedAt;
	const seen = new Map();
	let firstAt = Infinity;
	let lastAt = 0;
	const perMinute = [];
	for (const e of state.events) {
		const k = flow.keyOf(e);
		seen.set(k, (seen.get(k) || 0) + 1);
		const at = Date.parse(e.receivedAt);
		firstAt = Math.min(firstAt, at);
		lastAt = Math.max(lastAt, at);
		const m = Math.floor((at - t0) / 60000);
		perMinute[m] = (perMinute[m] || 0) + 1;
	}
	let lost = 0;
	const lostKeys = [];
	for (const k of expected.keys()) {
		if (!seen.has(k)) {
			lost++;
			if (lostKeys.length < 5) lostKeys.push(k);
		}
	}
	let duplicated = 0;
	for (const [k, n] of seen) if (expected.has(k) && n > 1) duplicated += n - 1;
	const unexpected = [...seen.keys()].filter((k) => !expected.has(k)).length;
	const events = state.events.length;
	const drainSeconds = events ? (lastAt - t0) / 1000 : null;
	const eventsPerMinute = drainSeconds ? Math.round((events / drainSeconds) * 60) : 0;
	const idealSeconds = c.idealDrainSeconds(expected.size, limits);
	const req = state.requests['POST /api/events'] || {};
	const minutes = Array.from({ length: perMinute.length }, (_, i) => perMinute[i] || 0);
	const extra = flow.classify ? flow.classify({ state, expected, seen }) : {};
	return {
		orders,
		concurrency,
		expectedEvents: expected.size,
		storedEvents: events,
		lost,
		lostSample: lostKeys,
		duplicated,
		duplicatesDroppedByKlaviyo: state.duplicatesDropped,
		unexpectedKeys: unexpected,
		drained: wait.reached,
		drainStopReason: wait.reason || null,
		ack: { seconds: sent.seconds, acceptedPerSecond: sent.acceptedPerSecond, statuses: sent.statuses, latencyMs: sent.latencyMs },
		drainSeconds: drainSeconds === null ? null : Math.round(drainSeconds * 10) / 10,
		firstEventAfterSeconds: events ? Math.round((firstAt - t0) / 100) / 10 : null,
		eventsPerMinute,
		limits,
		shareOfSteadyLimit: Math.round((eventsPerMinute / limits.steadyPerMinute) * 1000) / 1000,
		idealDrainSeconds: idealSeconds,
		shareOfIdeal: drainSeconds ? Math.round((Math.max(idealSeconds, 0.001) / drainSeconds) * 1000) / 1000 : 0,
		eventsPerMinuteByMinute: minutes,
		klaviyoRequests: state.requests,
		events429: req['429'] || 0,
		process: proc,
		...extra,
	};
}

async function run({
	orders = c.option('orders', 'BENCH_ORDERS', 5000),
	concurrency = c.option('concurrency', 'BENCH_CONCURRENCY_DRAIN', 50),
	settings = c.option('settings', 'BENCH_DRAIN_SETTINGS', ['lazy']),
	port = c.option('port', 'BENCH_PORT_DRAIN', 5764),
	scale = c.option('scale', 'BENCH_KLAVIYO_SCALE', 1),
} = {}) {
	const machine = c.machineInfo();
	const runs = [];
	for (const name of settings) {
		const n8nEnv = c.SETTINGS[name];
		if (!n8nEnv) throw new Error(`unknown settings "${name}" (${Object.keys(c.SETTINGS).join(', ')})`);
		const klaviyoArgs = scale === 1 ? [] : ['--scale', String(scale)];
		const r = await c.withStack({ name: 'bench-drain', port, klaviyoPort: port + 1, n8nEnv, klaviyoArgs }, async (stack) => {
			const info = stack.info;
			const out = await drain(info, { orders, concurrency, flow: { url: info.webhookUrl, ...OURS }, scale });
			out.failedExecutions = await c.executionCount(info, info.syncWorkflowId, 'error').catch(() => null);
			return out;
		});
		runs.push({ flow: 'ours (shipped sync workflow)', settings: name, n8nEnv, ...r });
		c.log(`  → ${name}: ${summaryLine(runs[runs.length - 1])}`);
	}
	const result = { benchmark: 'drain', machine, klaviyo: klaviyoLabel(scale), runs };
	c.writeOut('drain', result);
	print(result);
	return result;
}

function klaviyoLabel(scale = 1) {
	const l = scaledLimits(scale);
	return scale === 1
		? 'fake Klaviyo, real limits (events 350/s + 3 500/min)'
		: `fake Klaviyo, limits × ${scale} (events ${l.burstPerSecond}/s + ${l.steadyPerMinute}/min)`;
}

function summaryLine(r) {
	return (
		`${r.storedEvents}/${r.expectedEvents} events in ${r.drainSeconds} s → ${r.eventsPerMinute}/min ` +
		`(${Math.round(r.shareOfSteadyLimit * 100)} % of ${r.limits.steadyPerMinute}/min, ${Math.round(r.shareOfIdeal * 100)} % of the fastest the limits allow: ${r.idealDrainSeconds} s), ` +
		`lost ${r.lost}, duplicated ${r.duplicated}, 429s ${r.events429}, acks ${r.ack.acceptedPerSecond}/s p99 ${r.ack.latencyMs.p99} ms`
	);
}

function print(result) {
	console.log(`Drain — ${result.klaviyo}`);
	for (const r of result.runs) {
		console.log(`${r.flow} [${r.settings}] ${r.orders} orders: ${summaryLine(r)}`);
		console.log(`  events per minute of the run: ${r.eventsPerMinuteByMinute.join(', ')}; n8n CPU ${r.process.map((p) => `${p.cpuPercent} %`).join(' + ')}, peak RSS ${r.process.map((p) => `${p.peakRssMiB} MiB`).join(' + ')}`);
	}
}

module.exports = { run, drain, analyse, summaryLine, klaviyoLabel, scaledLimits, OURS };

if (require.main === module) {
	run().catch((err) => {
		console.error(err && err.stack ? err.stack : err);
		process.exitCode = 1;
	});
}
