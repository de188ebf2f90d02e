'use strict';
/**
 * Queue mode only (E2E_MODE=queue, PostgreSQL): Redis stops for ~10 s during a burst of signed orders
 * and starts again on its append-only file (test/e2e/stack.js stopRedis/startRedis). n8n main and the
 * workers keep trying to reach it (QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD, raised to 120 s by
 * scripts/lib/queue.js; n8n's default of 10 s would make them exit) and carry on when it is back.
 * Asserted (test/e2e/shopify-burst.js): every order's events are stored in Klaviyo exactly once, and
 * every order acknowledged on its first attempt was sent by our code exactly once per event. Also
 * recorded: what main answered Shopify while Redis was down (README "Scaling out").
 */
const axios = require('axios');
const { stack, klaviyoReset, sleep } = require('./helpers');
const { stopRedis, startRedis } = require('./stack');
const { makeOrders, sendLikeShopify, settleAndCount } = require('./shopify-burst');

const ORDERS = 60;
const STOP_AFTER_ACKS = 15;
const DOWN_MS = 10000;

/** Worker pids still running (the worker-kill test may have run first and taken one). */
function liveWorkers(s) {
	return s.workers.map((w) => w.pid).filter((pid) => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	});
}

function say(msg) {
	process.stderr.write(`[redis-lost] ${msg}\n`);
}

jest.setTimeout(600000);

describe('queue mode: Redis is lost for ~10 s during a burst', () => {
	afterAll(async () => {
		await axios.post(`${stack().klaviyoUrl}/__admin/config`, { latencyMs: 0 });
	});

	it('acknowledged deliveries reach Klaviyo exactly once; the unacknowledged, sent again, land exactly once; n8n stays up', async () => {
		const s = stack();
		expect(s.mode).toBe('queue');
		expect(s.db).toBe('postgres');
		await axios.delete(`${s.klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
		await axios.post(`${s.klaviyoUrl}/__admin/config`, { latencyMs: 300 });
		const workers = liveWorkers(s);
		const orders = makeOrders(ORDERS, 962000000000 + (Date.now() % 1000) * 1000);
		let outage;
		let window;
		await sendLikeShopify(orders, {
			onAck: (acked) => {
				if (acked !== STOP_AFTER_ACKS || outage) return;
				outage = (async () => {
					await stopRedis(s);
					const down = Date.now();
					say(`Redis (pid ${s.pids.redis}) stopped after ${acked} acknowledged deliveries`);
					await sleep(DOWN_MS);
					const info = await startRedis(s);
					window = { from: down, to: Date.now() };
					say(`Redis back (pid ${info.pids.redis}) after ${Math.round((window.to - window.from) / 1000)} s`);
				})();
			},
		});
		expect(outage).toBeDefined();
		await outage;

		const report = await settleAndCount(orders);
		// what main answered the deliveries that arrived while Redis was down
		const during = {};
		for (const o of orders)
			for (const a of o.attempts)
				if (a.at >= window.from && a.at < window.to) {
					const k = `${a.status} after ${a.ms < 1000 ? '<1' : Math.round(a.ms / 1000)} s`;
					during[k] = (during[k] || 0) + 1;
				}
		say(`answers to deliveries sent while Redis was down: ${JSON.stringify(during)}`);
		say(JSON.stringify({ ...report, resentSends: undefined }));
		say(`re-sent orders' accepted sends per event: ${JSON.stringify(Object.values(report.resentSends).reduce((m, n) => ((m[n] = (m[n] || 0) + 1), m), {}))}`);
		// main and both workers rode it out (n8n exits when Redis stays away beyond its timeout threshold)
		expect(() => process.kill(s.pids.n8n, 0)).not.toThrow();
		expect(liveWorkers(s)).toEqual(workers);
		expect(workers.length).toBeGreaterThan(0);
		expect(report.storedNotOnce).toEqual([]);
		expect(report.ackedSentNotOnce).toEqual([]);
	});
});
