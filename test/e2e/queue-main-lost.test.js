'use strict';
/**
 * Queue mode only (E2E_MODE=queue, PostgreSQL): n8n main is SIGKILLed (with its task runner) during a
 * burst of signed orders and started again. Main only receives webhooks and enqueues; the jobs it had
 * enqueued are in Redis and the workers keep running them. Deliveries in flight when main died get no
 * answer, and Shopify sends them again (here: the test, against the restarted main).
 * Asserted (test/e2e/shopify-burst.js): every order's events are stored in Klaviyo exactly once, and
 * every order acknowledged on its first attempt was sent by our code exactly once per event.
 */
const axios = require('axios');
const { stack, klaviyoReset } = require('./helpers');
const { restartMain } = require('./stack');
const { makeOrders, sendLikeShopify, settleAndCount } = require('./shopify-burst');

const ORDERS = 60;
const KILL_AFTER_ACKS = 15;

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
	process.stderr.write(`[main-lost] ${msg}\n`);
}

jest.setTimeout(600000);

describe('queue mode: n8n main is lost during a burst', () => {
	afterAll(async () => {
		await axios.post(`${stack().klaviyoUrl}/__admin/config`, { latencyMs: 0 });
	});

	it('acknowledged deliveries reach Klaviyo exactly once; the unacknowledged, sent again, land exactly once', async () => {
		const s = stack();
		expect(s.mode).toBe('queue');
		expect(s.db).toBe('postgres');
		await axios.delete(`${s.klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
		// executions take a while, so the workers hold some while main is down
		await axios.post(`${s.klaviyoUrl}/__admin/config`, { latencyMs: 300 });
		const workers = liveWorkers(s);
		const orders = makeOrders(ORDERS, 961000000000 + (Date.now() % 1000) * 1000);
		let restarting;
		let killedAt;
		let downMs;
		await sendLikeShopify(orders, {
			onAck: (acked) => {
				if (acked !== KILL_AFTER_ACKS || restarting) return;
				killedAt = Date.now();
				say(`SIGKILL n8n main (pid ${s.pids.n8n}) after ${acked} acknowledged deliveries`);
				restarting = restartMain(s, { signal: 'SIGKILL' }).then((info) => {
					downMs = Date.now() - killedAt;
					say(`n8n main back (pid ${info.pids.n8n}) after ${Math.round(downMs / 1000)} s`);
					return info;
				});
			},
		});
		expect(restarting).toBeDefined();
		const info = await restarting;
		expect(info.pids.n8n).not.toBe(s.pids.n8n);
		// the editor session of the stack works again for the tests after this one (restartMain logs in anew)
		const settings = await axios.get(`${s.baseUrl}/rest/settings`, { headers: { cookie: stack().cookie, 'browser-id': stack().browserId } });
		expect(settings.data.data.versionCli).toBe('2.41.1');
		// the workers carried on through it
		expect(liveWorkers(s)).toEqual(workers);
		expect(workers.length).toBeGreaterThan(0);

		const report = await settleAndCount(orders);
		say(JSON.stringify({ downSeconds: Math.round(downMs / 1000), ...report, resentSends: undefined }));
		say(`re-sent orders' accepted sends per event: ${JSON.stringify(Object.values(report.resentSends).reduce((m, n) => ((m[n] = (m[n] || 0) + 1), m), {}))}`);
		// the kill cost some deliveries their answer, and they were sent again
		expect(report.resent).toBeGreaterThan(0);
		expect(report.storedNotOnce).toEqual([]);
		expect(report.ackedSentNotOnce).toEqual([]);
	});
});
