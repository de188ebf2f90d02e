'use strict';
/**
 * For the queue-mode loss tests (queue-main-lost, queue-redis-lost): a burst of signed orders/create
 * deliveries sent the way Shopify sends them, and the exactly-once check on what reached Klaviyo.
 *
 * Sender: `concurrency` deliveries in flight; each attempt waits at most 5 s for the answer (Shopify's
 * timeout). An answer other than 2xx, a timeout or a refused connection is not an acknowledgement: the
 * same delivery (same X-Shopify-Event-Id and Webhook-Id, same bytes) is sent again after a pause, as
 * Shopify retries.
 *
 * Check, per order (Placed Order + one Ordered Product per line item, each with its unique_id):
 *  - every event is stored in the fake Klaviyo exactly once;
 *  - an order acknowledged on its first attempt was sent by our code exactly once per event: counted
 *    on the fake's request log (accepted POST /api/events per unique_id), since Klaviyo — and the
 *    fake — answer 202 to a duplicate and keep one, so what is stored cannot show a doubled send;
 *  - an order that was re-sent may have been processed for the unacknowledged attempt too (n8n may
 *    have enqueued it before the answer was lost): it must still be stored exactly once; its sends are
 *    reported.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { stack, deliver, sleep, waitFor } = require('./helpers');

const blueprint = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', 'order-blueprint.json'), 'utf8'));

/** `n` distinct orders derived from the blueprint order (own id, name, line ids), with stable delivery ids. */
function makeOrders(n, base) {
	return Array.from({ length: n }, (_, i) => {
		const id = base + i;
		return {
			payload: {
				...blueprint,
				id,
				name: `#L${id % 100000}`,
				line_items: blueprint.line_items.map((l, j) => ({ ...l, id: id * 10 + j })),
			},
			eventId: `evt-${id}`,
			webhookId: `wh-${id}`,
			attempts: [],
		};
	});
}

function uniqueIdsOf(order) {
	const p = order.payload;
	return [`shopify:order:${p.id}:placed`, ...p.line_items.map((l) => `shopify:order:${p.id}:line:${l.id}`)];
}

/**
 * Send every order until acknowledged (2xx). `onAck(count)` runs after each acknowledgement (the test
 * uses it to pull the plug). Returns when every order is acknowledged; throws after `maxAttempts`.
 */
async function sendLikeShopify(orders, { concurrency = 6, timeoutMs = 5000, maxAttempts = 40, pauseMs = (attempt) => Math.min(1000 * attempt, 4000), onAck = () => {} } = {}) {
	const queue = [...orders];
	let acked = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (queue.length) {
				const o = queue.shift();
				for (;;) {
					const t0 = Date.now();
					let status;
					try {
						status = (await deliver('orders/create', o.payload, { eventId: o.eventId, webhookId: o.webhookId, timeoutMs })).status;
					} catch (err) {
						status = err.code || 'error';
					}
					o.attempts.push({ at: t0, ms: Date.now() - t0, status });
					if (typeof status === 'number' && status >= 200 && status < 300) break;
					if (o.attempts.length >= maxAttempts) throw new Error(`order ${o.payload.id}: not acknowledged after ${maxAttempts} attempts (${o.attempts.map((a) => a.status).join(', ')})`);
					await sleep(pauseMs(o.attempts.length));
				}
				acked += 1;
				await onAck(acked);
			}
		}),
	);
}

async function requestLog() {
	return (await axios.get(`${stack().klaviyoUrl}/__admin/requests`)).data.requests;
}

/**
 * Wait until every expected event is stored and the fake has seen no event request for `quietMs`
 * (a doubled job would send later), then count. Returns the report; the test asserts on it.
 */
async function settleAndCount(orders, { timeoutMs = 300000, quietMs = 15000 } = {}) {
	const url = stack().klaviyoUrl;
	const expected = new Set(orders.flatMap(uniqueIdsOf));
	await waitFor(
		async () => {
			const { events } = (await axios.get(`${url}/__admin/state`)).data;
			const stored = new Set(events.map((e) => e.unique_id));
			if (![...expected].every((u) => stored.has(u))) return false;
			const log = await requestLog();
			const last = log.filter((e) => e.route === 'POST /api/events').reduce((m, e) => Math.max(m, e.at), 0);
			return Date.now() - last >= quietMs;
		},
		{ timeoutMs, intervalMs: 1000, what: `all ${expected.size} events stored and ${quietMs / 1000} s without event requests` },
	);
	const { events } = (await axios.get(`${url}/__admin/state`)).data;
	const log = await requestLog();
	const stored = new Map();
	for (const e of events) if (expected.has(e.unique_id)) stored.set(e.unique_id, (stored.get(e.unique_id) || 0) + 1);
	const accepted = new Map();
	for (const e of log) if (e.uniqueId && expected.has(e.uniqueId) && e.status === 202) accepted.set(e.uniqueId, (accepted.get(e.uniqueId) || 0) + 1);
	const report = { orders: orders.length, events: expected.size, ackedFirstTime: 0, resent: 0, storedNotOnce: [], ackedSentNotOnce: [], resentSends: {} };
	for (const o of orders) {
		const first = o.attempts[0].status;
		const firstAcked = typeof first === 'number' && first >= 200 && first < 300;
		if (firstAcked) report.ackedFirstTime += 1;
		else report.resent += 1;
		for (const u of uniqueIdsOf(o)) {
			if (stored.get(u) !== 1) report.storedNotOnce.push(`${u} stored ${stored.get(u) || 0}×`);
			if (firstAcked && accepted.get(u) !== 1) report.ackedSentNotOnce.push(`${u} sent ${accepted.get(u) || 0}×`);
			if (!firstAcked) report.resentSends[u] = accepted.get(u) || 0;
		}
	}
	const statuses = {};
	for (const o of orders) for (const a of o.attempts) statuses[a.status] = (statuses[a.status] || 0) + 1;
	report.attemptStatuses = statuses;
	report.duplicatesDroppedByKlaviyo = (await axios.get(`${url}/__admin/state`)).data.duplicatesDropped;
	return report;
}

module.exports = { makeOrders, uniqueIdsOf, sendLikeShopify, settleAndCount, requestLog };
