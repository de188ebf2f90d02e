'use strict';
/**
 * Queue mode only (E2E_MODE=queue): an n8n worker is SIGKILLed while it holds executions of a burst of
 * signed order deliveries. n8n 2.x does not retry stalled jobs: about 100 s later it marks the lost
 * executions "error" ("…failed to be processed too many times…"), replaces their data with an empty
 * run and fires the error workflow, which then cannot see the delivery any more. The dead-letter
 * workflow's sweep records such deliveries while they are still "running". Asserted: every delivery
 * ends up either as its Placed Order event in Klaviyo or as a delivery dead letter with its payload,
 * nothing is doubled, and a replay then delivers the rest exactly once.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const axios = require('axios');
const { stack, deliver, n8nApi, klaviyoState, klaviyoReset, waitFor, sleep, deadLetters } = require('./helpers');
const { replay } = require('../../scripts/replay');

const SYNC_ID = () => stack().syncWorkflowId;
const RECOVERY_ID = () => stack().recoveryWorkflowId;
const ORDERS = 48;
const order = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', 'order-blueprint.json'), 'utf8'));

function say(msg) {
	process.stderr.write(`[worker-failure] ${msg}\n`);
}

/** Executions a worker started and has not finished, from its info log ("Worker started execution N"). */
function heldBy(worker) {
	const text = fs.readFileSync(worker.logFile, 'utf8');
	const held = new Set([...text.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]));
	for (const m of text.matchAll(/Worker finished execution (\d+)/g)) held.delete(m[1]);
	return [...held];
}

async function listAll(params) {
	const out = [];
	let cursor;
	do {
		const page = await n8nApi('get', '/executions', { limit: 250, ...params, cursor });
		out.push(...page.data);
		cursor = page.nextCursor;
	} while (cursor);
	return out;
}

async function byStatus(workflowId) {
	const counts = {};
	for (const status of ['new', 'running', 'success', 'error', 'crashed', 'canceled', 'waiting']) {
		const n = (await listAll({ workflowId, status })).length;
		if (n) counts[status] = n;
	}
	return counts;
}

jest.setTimeout(600000);

describe('queue mode: a worker dies during a burst', () => {
	afterAll(async () => {
		await axios.post(`${stack().klaviyoUrl}/__admin/config`, { latencyMs: 0 });
	});

	it('every delivery reaches Klaviyo or the dead-letter table, none doubled; the replay delivers the rest once', async () => {
		const s = stack();
		expect(s.mode).toBe('queue');
		const victim = s.workers[0];
		await axios.delete(`${s.klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
		// slow Klaviyo down so executions are in flight when the worker dies
		await axios.post(`${s.klaviyoUrl}/__admin/config`, { latencyMs: 1500 });
		const before = new Set((await listAll({ workflowId: SYNC_ID() })).map((e) => e.id));

		const orders = Array.from({ length: ORDERS }, (_, i) => ({ ...order, id: 950000000000 + i, name: `#Q${1000 + i}`, eventId: `evt-queue-kill-${i}` }));
		let heldAtKill = null;
		let redelivered = 0;
		const killIfHolding = () => {
			if (heldAtKill) return;
			const held = heldBy(victim);
			if (held.length < 2) return;
			// the worker's own children (task runner) would be orphaned: they go too, as when a machine dies
			let children = [];
			try {
				children = execFileSync('pgrep', ['-P', String(victim.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
			} catch {
				children = [];
			}
			process.kill(victim.pid, 'SIGKILL');
			for (const pid of children) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			heldAtKill = held;
			say(`SIGKILLed worker ${victim.index} (pid ${victim.pid}) holding executions ${held.join(', ')}`);
		};
		// Shopify-like sender: 6 in flight, a non-2xx answer is delivered again (as Shopify retries)
		const queue = [...orders];
		await Promise.all(
			Array.from({ length: 6 }, async () => {
				while (queue.length) {
					const o = queue.shift();
					const { eventId, ...payload } = o;
					for (let attempt = 1; ; attempt++) {
						const res = await deliver('orders/create', payload, { eventId });
						if (res.status === 200) break;
						redelivered += 1;
						if (attempt >= 5) throw new Error(`delivery of ${o.name} answered ${res.status} ${attempt} times`);
						await sleep(1000 * attempt);
					}
					killIfHolding();
				}
			}),
		);
		await waitFor(
			async () => {
				killIfHolding();
				return heldAtKill;
			},
			{ timeoutMs: 60000, intervalMs: 100, what: `worker ${victim.index} to hold executions` },
		);

		// n8n notices the dead worker's jobs only after their lock expires: wait for every execution to end
		const t0 = Date.now();
		await waitFor(
			async () => {
				const open = [...(await listAll({ workflowId: SYNC_ID(), status: 'running' })), ...(await listAll({ workflowId: SYNC_ID(), status: 'new' }))];
				if (open.length) return false;
				// n8n's list leaves out executions the main process still counts as active while they are
				// "new" (a job the dead worker had taken but not started): ask for the held ones one by one
				for (const id of heldAtKill) {
					const e = await n8nApi('get', `/executions/${id}`);
					if (e.status === 'new' || e.status === 'running') return false;
				}
				return true;
			},
			{ timeoutMs: 300000, intervalMs: 3000, what: 'no sync execution left running' },
		);
		say(`all sync executions ended ${Math.round((Date.now() - t0) / 1000)} s after the burst`);
		// the error workflow runs for the failed ones; give it and a last sweep time to finish
		await sleep(5000);
		await waitFor(async () => (await listAll({ workflowId: RECOVERY_ID(), status: 'running' })).length === 0, {
			timeoutMs: 120000,
			intervalMs: 2000,
			what: 'the dead-letter workflow to finish',
		});

		const sync = (await listAll({ workflowId: SYNC_ID() })).filter((e) => !before.has(e.id));
		const heldStatus = {};
		for (const id of heldAtKill) {
			const e = await n8nApi('get', `/executions/${id}`, { includeData: true });
			heldStatus[id] = { status: e.status, error: e.data && e.data.resultData && e.data.resultData.error && e.data.resultData.error.message };
		}
		const state = await klaviyoState();
		const letters = await deadLetters();
		const placed = new Map();
		for (const e of state.events) if (e.metric === 'Placed Order') placed.set(e.unique_id, (placed.get(e.unique_id) || 0) + 1);
		let delivered = 0;
		let deadLettered = 0;
		const missing = [];
		for (const o of orders) {
			const inKlaviyo = placed.has(`shopify:order:${o.id}:placed`);
			// kept by the recovery workflow while the lost worker's execution was still running
			const letter = letters.find((r) => r.payload && JSON.parse(r.payload).idempotencyKey === `${s.shop}:orders/create:${o.eventId}`);
			const letterOk = letter && JSON.parse(letter.payload).payload.id === o.id;
			if (inKlaviyo) delivered += 1;
			if (letterOk) deadLettered += 1;
			if (!inKlaviyo && !letterOk) missing.push(o.name);
		}
		const byStatusNow = await byStatus(SYNC_ID());
		say(
			[
				`${ORDERS} deliveries (${redelivered} re-sent after a non-2xx answer)`,
				`worker killed holding ${heldAtKill.length} execution(s): ${JSON.stringify(heldStatus)}`,
				`sync executions of this burst: ${sync.length}; all sync executions by status: ${JSON.stringify(byStatusNow)}`,
				`dead-letter workflow executions by status: ${JSON.stringify(await byStatus(RECOVERY_ID()))}`,
				`Placed Order in Klaviyo: ${delivered}; delivery dead letters with payload: ${deadLettered}; both: ${delivered + deadLettered - (ORDERS - missing.length)}; neither: ${missing.length}`,
				`events doubled: ${[...placed.values()].filter((n) => n > 1).length} (Klaviyo dropped ${state.duplicatesDropped} duplicate sends)`,
			].join('\n  '),
		);
		expect(heldAtKill.length).toBeGreaterThan(0);
		expect(missing).toEqual([]);
		expect([...placed.values()].every((n) => n === 1)).toBe(true);
		// n8n's verdict on the lost executions: not success, not stuck
		for (const id of heldAtKill) expect(['error', 'crashed']).toContain(heldStatus[id].status);

		// the recovery settles every kept delivery: the lost ones become "pending" (never "watching" forever)
		await waitFor(async () => (await deadLetters()).every((r) => r.status !== 'watching'), { timeoutMs: 180000, intervalMs: 3000, what: 'watching letters to settle' });
		// the replay closes the loop: every order in Klaviyo exactly once
		await axios.post(`${s.klaviyoUrl}/__admin/config`, { latencyMs: 0 });
		await replay({ baseUrl: s.baseUrl, apiKey: s.apiKey, timeoutMs: 240000, log: () => {} });
		const after = await klaviyoState();
		for (const o of orders) expect(after.events.filter((e) => e.unique_id === `shopify:order:${o.id}:placed`)).toHaveLength(1);
		say(`after the replay: ${ORDERS}/${ORDERS} Placed Order events in Klaviyo, each once`);
	});
});
