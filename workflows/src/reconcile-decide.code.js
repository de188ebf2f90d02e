/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Reconciliation, step 3: the deliveries to send — every delivery of an object not yet applied in
	// its current state (see step 2), through the SAME mapper and Klaviyo nodes as the live path (this
	// workflow calls itself with them) — and the health figures of this run: last live delivery, dead
	// letters waiting. One item; `reconcile` is empty on a quiet store (then nothing is called at all).
	const reading = $('Changed in Shopify');
	const summary = reading.first(1).json;
	const deliveries = reading.all(0).map((i) => i.json);
	const sinceMs = Date.parse(summary.since) || 0;
	const applied = new Map();
	const note = (row) => {
		if (!row || !row.objectKey) return;
		const ms = Number(row.objectUpdatedAtMs) || 0;
		if (!applied.has(row.objectKey) || applied.get(row.objectKey) < ms) applied.set(row.objectKey, ms);
	};
	for (const { json } of $('States in the window').all()) note(json);
	for (const { json } of $input.all()) note(json); // "Earlier state of the object"
	// an order shows a change Klaviyo receives (fulfilled, cancelled, refunded) when Shopify's read of it
	// became an orders/updated delivery too
	const statusChanged = new Set(deliveries.filter((d) => d.topic === 'orders/updated' && d.object).map((d) => d.object.objectKey));
	const toSend = (o) => {
		if (!o || !o.objectKey) return true; // no comparable state: sent (idempotent unique_ids)
		const at = applied.get(o.objectKey);
		if (at !== undefined && at >= Number(o.updatedAtMs)) return false;
		if (/-consent:/.test(o.objectKey) && Number(o.updatedAtMs) < sinceMs) return false;
		if (o.objectKey.startsWith('order:') && at !== undefined && !statusChanged.has(o.objectKey)) return false;
		return true;
	};
	const reconcile = deliveries.filter((d) => toSend(d.object));

	// health: the newest object state a live delivery (not a reconciliation or backfill) recorded
	let lastLive = '';
	for (const { json: row } of $('Newest object states').all()) {
		if (!row || !row.objectKey || /:(reconciliation|backfill):/.test(String(row.idempotencyKey || ''))) continue;
		const at = row.createdAt || row.receivedAt;
		const ms = Date.parse(at);
		if (Number.isFinite(ms) && (!lastLive || ms > Date.parse(lastLive))) lastLive = new Date(ms).toISOString();
	}
	const waiting = $('Dead letters waiting')
		.all()
		.map((i) => i.json)
		.filter((row) => row && row.letterId);
	let oldest = '';
	for (const row of waiting) {
		const ms = Date.parse(row.createdAt || row.lastTriedAt);
		if (Number.isFinite(ms) && (!oldest || ms < Date.parse(oldest))) oldest = new Date(ms).toISOString();
	}
	const ordersInShopify = deliveries.filter((d) => d.topic === 'orders/create' && d.object).map((d) => Number(d.object.updatedAtMs));
	return [
		{
			json: {
				send: reconcile.length > 0,
				reconcile,
				receivedAt: (deliveries[0] && deliveries[0].receivedAt) || '',
				objectsRead: Number(summary.objects) || 0,
				objectsToSend: [...new Set(reconcile.map((d) => (d.object ? d.object.objectKey : `${d.topic}:${(d.payload || {}).id}`)))],
				ordersUpdatedAtMs: ordersInShopify,
				checkpoint: summary.checkpoint,
				truncated: Boolean(summary.truncated),
				shopifyCalls: Number(summary.shopifyCalls) || 0,
				lastLiveDeliveryAt: lastLive,
				deadLettersWaiting: waiting.length,
				oldestDeadLetterAt: oldest,
			},
		},
	];
};
