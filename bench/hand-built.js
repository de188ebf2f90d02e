'use strict';
/**
 * The same drain as bench/drain.js, through the flow an n8n user would build by hand
 * (bench/baselines/hand-built.json: Webhook → Code "map order → Klaviyo event bodies" → HTTP Request
 * POST /api/events with n8n's Retry On Fail, 5 tries, 5 s apart; no HMAC check, no unique_id),
 * against the fake Klaviyo enforcing Klaviyo's real limits. Shows what it loses: events never
 * accepted after the retries ran out under 429, Ordered Product lines Klaviyo collapses (no
 * unique_id: one event per profile, metric and second), duplicates (a node retry re-sends every item
 * of the execution, including the ones already accepted), failed executions, and time.
 *
 *   npm run build && node bench/hand-built.js [--orders 5000] [--concurrency 50] [--settings lazy]
 *   env: BENCH_ORDERS, BENCH_CONCURRENCY_DRAIN, BENCH_HAND_SETTINGS, BENCH_PORT_HAND (default 5768),
 *        BENCH_KLAVIYO_SCALE (--scale, as in bench/drain.js)
 *
 * Writes bench/out/hand-built.json.
 */
const c = require('./lib/common');
const { drain, summaryLine, klaviyoLabel } = require('./drain');

/** The hand-built flow's events carry OrderId (+ LineItemId) in their properties. */
const HAND_BUILT = {
	expectedKeys: (order) => [`Placed Order|${order.id}|`, ...order.line_items.map((l) => `Ordered Product|${order.id}|${l.id}`)],
	keyOf: (e) => `${e.metric}|${(e.properties && e.properties.OrderId) || ''}|${(e.properties && e.properties.LineItemId) || ''}`,
	/** Missing Ordered Product lines of an order that did get another line stored = collapsed by Klaviyo's dedup. */
	classify({ expected, seen }) {
		const storedLineOrders = new Set();
		for (const k of seen.keys()) if (k.startsWith('Ordered Product|')) storedLineOrders.add(k.split('|')[1]);
		let collapsed = 0;
		let neverAccepted = 0;
		for (const k of expected.keys()) {
			if (seen.has(k)) continue;
			const [metric, orderId] = k.split('|');
			if (metric === 'Ordered Product' && storedLineOrders.has(orderId)) collapsed++;
			else neverAccepted++;
		}
		return { lostBreakdown: { collapsedNoUniqueId: collapsed, neverAccepted } };
	},
};

function handBuiltWorkflow(info) {
	const wf = c.readWorkflow('bench/baselines/hand-built.json');
	const http = wf.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest');
	http.parameters.url = `${info.klaviyoUrl}/api/events/`;
	for (const h of http.parameters.headerParameters.parameters) {
		if (h.name === 'Authorization') h.value = `Klaviyo-API-Key ${info.klaviyoKey}`;
	}
	return wf;
}

async function run({
	orders = c.option('orders', 'BENCH_ORDERS', 5000),
	concurrency = c.option('concurrency', 'BENCH_CONCURRENCY_DRAIN', 50),
	settings = c.option('settings', 'BENCH_HAND_SETTINGS', ['lazy']),
	port = c.option('port', 'BENCH_PORT_HAND', 5768),
	scale = c.option('scale', 'BENCH_KLAVIYO_SCALE', 1),
} = {}) {
	const machine = c.machineInfo();
	const runs = [];
	for (const name of settings) {
		const n8nEnv = c.SETTINGS[name];
		if (!n8nEnv) throw new Error(`unknown settings "${name}" (${Object.keys(c.SETTINGS).join(', ')})`);
		// workflows: false → only the hand-built flow runs in this n8n (the sync is not imported)
		const klaviyoArgs = scale === 1 ? [] : ['--scale', String(scale)];
		const r = await c.withStack({ name: 'bench-hand-built', port, klaviyoPort: port + 1, n8nEnv, klaviyoArgs, workflows: false }, async (stack) => {
			const info = stack.info;
			const id = await c.importWorkflow(info, handBuiltWorkflow(info), { webhookPath: 'bench-hand-built' });
			const out = await drain(info, { orders, concurrency, flow: { url: `${info.baseUrl}/webhook/bench-hand-built`, ...HAND_BUILT }, scale });
			out.failedExecutions = await c.executionCount(info, id, 'error').catch(() => null);
			return out;
		});
		runs.push({ flow: 'hand-built (Webhook + Code + HTTP Request, Retry On Fail 5 × 5 s)', settings: name, n8nEnv, ...r });
		c.log(`  → ${name}: ${summaryLine(runs[runs.length - 1])}`);
	}
	const result = { benchmark: 'hand-built', machine, klaviyo: klaviyoLabel(scale), runs };
	c.writeOut('hand-built', result);
	for (const r of runs) {
		console.log(`${r.flow} [${r.settings}] ${r.orders} orders: ${summaryLine(r)}`);
		console.log(
			`  lost: ${r.lostBreakdown.neverAccepted} never accepted (retries exhausted / execution failed), ${r.lostBreakdown.collapsedNoUniqueId} collapsed by Klaviyo (no unique_id); ` +
				`re-sends dropped by Klaviyo ${r.duplicatesDroppedByKlaviyo}; failed executions ${r.failedExecutions}; events per minute: ${r.eventsPerMinuteByMinute.join(', ')}`,
		);
	}
	return result;
}

module.exports = { run, HAND_BUILT };

if (require.main === module) {
	run().catch((err) => {
		console.error(err && err.stack ? err.stack : err);
		process.exitCode = 1;
	});
}
