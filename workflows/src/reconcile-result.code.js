/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Reconciliation, step 4 (only after the deliveries were sent — every Klaviyo request accepted or kept
	// as a dead letter to replay): the new checkpoint and health figures (one row of shopify_sync_state)
	// and the alerts. "Objects this run sent" are the object states the mapper recorded for this run's
	// deliveries: only objects that produced Klaviyo requests (a delivery the mapper skips is not counted).
	const run = $('What reconciliation sends').first().json;
	const settings = $('Reconciliation settings').first().json;
	const before = $('Reconciliation window').first().json;
	let previous = {};
	for (const { json } of $('Sync state').all()) if (json && json.name === 'reconciliation') previous = json;
	let sentKeys = [];
	let ran = false;
	try {
		ran = run.send && $('Objects this run sent').isExecuted;
	} catch (e) {
		ran = false;
	}
	if (ran) sentKeys = [...new Set($('Objects this run sent').all().map((i) => i.json && i.json.objectKey).filter(Boolean))];
	const now = new Date();
	const nowIso = now.toISOString();
	const firstRunAt = previous.firstRunAt || nowIso;
	const lastLive = [run.lastLiveDeliveryAt, previous.lastLiveDeliveryAt].filter(Boolean).sort().pop() || '';
	const minutes = (ms) => Math.round(ms / 60000);
	const alerts = [];
	if (!before.firstRun && sentKeys.length > 0) {
		alerts.push({
			alert: 'missed-by-live-path',
			message: `Reconciliation sent ${sentKeys.length} Shopify object(s) to Klaviyo that the live webhooks had not delivered (${sentKeys.slice(0, 5).join(', ')}${sentKeys.length > 5 ? ', …' : ''}). Check that Shopify's webhook subscriptions exist, that the signing secret matches, and that n8n was reachable.`,
			objects: sentKeys.slice(0, 50),
			count: sentKeys.length,
		});
	}
	const deadLetterMinutes = Number(settings.deadLetterAlertMinutes);
	if (run.oldestDeadLetterAt && deadLetterMinutes > 0 && now - Date.parse(run.oldestDeadLetterAt) > deadLetterMinutes * 60000) {
		alerts.push({
			alert: 'dead-letters-pending',
			message: `${run.deadLettersWaiting}${run.deadLettersWaiting >= 1000 ? '+' : ''} dead letter(s) are waiting in klaviyo_dead_letters, the oldest for ${minutes(now - Date.parse(run.oldestDeadLetterAt))} min (since ${run.oldestDeadLetterAt}). Fix and replay them, or set their status to done.`,
			count: run.deadLettersWaiting,
			oldestAt: run.oldestDeadLetterAt,
		});
	}
	const quietMinutes = Number(settings.noDeliveryAlertMinutes);
	const liveBaseline = lastLive || firstRunAt;
	const baselineMs = Date.parse(liveBaseline);
	const newerOrders = (run.ordersUpdatedAtMs || []).filter((ms) => ms > baselineMs).length;
	if (quietMinutes > 0 && now - baselineMs > quietMinutes * 60000 && newerOrders > 0) {
		alerts.push({
			alert: 'no-live-deliveries',
			message: `No live Shopify delivery for ${minutes(now - baselineMs)} min (${lastLive ? `last one at ${lastLive}` : `none since the first reconciliation at ${firstRunAt}`}), while Shopify shows ${newerOrders} order(s) updated since. The webhooks may have stopped: check their subscriptions in Shopify and the n8n webhook URL.`,
			count: newerOrders,
			lastLiveDeliveryAt: lastLive,
		});
	}
	const row = {
		name: 'reconciliation',
		checkpoint: run.checkpoint || previous.checkpoint || '',
		firstRunAt,
		lastRunAt: nowIso,
		lastRunStatus: run.truncated ? 'ok (more to read: continues next run)' : 'ok',
		lastRunError: '',
		lastRunObjects: run.objectsRead,
		lastRunSent: sentKeys.length,
		lastRunShopifyCalls: run.shopifyCalls,
		lastRunSeconds: Math.round((now - Date.parse(before.startedAt)) / 100) / 10,
		lastLiveDeliveryAt: lastLive,
		deadLettersWaiting: run.deadLettersWaiting,
		oldestDeadLetterAt: run.oldestDeadLetterAt || '',
		alerts: JSON.stringify(alerts),
	};
	return [{ json: row }];
};
