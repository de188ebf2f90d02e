/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// The sweep: sync executions that have been "running" for too long. In queue mode, when a worker
	// dies (killed, out of memory, machine lost) its executions stay "running" until n8n notices the
	// stalled job (lock duration 60 s + stalled check 30 s + 30 s grace); n8n then marks them "error"
	// and REPLACES their data with an empty run, so the error workflow can no longer see the Shopify
	// delivery. While they are still "running" the delivery is still there (the trigger's output waits
	// in the execution's node stack), so the sweep records it as a dead letter now. Same letterId as the
	// Error Trigger path (delivery:<idempotency key>), so a delivery is one row however often it is seen.
	// If such an execution finishes after all, replaying the letter is harmless: Klaviyo keeps one event
	// per unique_id.
	const STUCK_AFTER_SECONDS = 30; // healthy executions finish well before (Klaviyo retries included)
	const TRIGGER_TYPE = 'n8n-nodes-shopify-klaviyo.shopifyWebhookTrigger';
	const now = Date.now();
	const out = [];
	for (const { json: execution } of $input.all()) {
		if (!execution || !execution.id) continue; // "no executions" answers an empty item
		if (execution.status !== 'running' && execution.status !== 'new') continue;
		const nodes = (execution.workflowData && execution.workflowData.nodes) || [];
		const triggerNames = new Set(nodes.filter((n) => n.type === TRIGGER_TYPE).map((n) => n.name));
		const data = execution.data || {};
		const deliveries = [];
		// the trigger's output: in the run data once the trigger ran, else still waiting in the node stack
		const runData = (data.resultData && data.resultData.runData) || {};
		for (const name of triggerNames) {
			for (const run of runData[name] || []) {
				for (const item of (run.data && run.data.main && run.data.main[0]) || []) deliveries.push(item.json);
			}
		}
		if (deliveries.length === 0) {
			const stack = (data.executionData && data.executionData.nodeExecutionStack) || [];
			for (const entry of stack) {
				if (!entry.node || entry.node.type !== TRIGGER_TYPE) continue;
				for (const item of (entry.data && entry.data.main && entry.data.main[0]) || []) deliveries.push(item.json);
			}
		}
		for (const d of deliveries) {
			if (!d || !d.idempotencyKey) continue;
			// age: since the execution started, or — still "new", never started (a job the lost worker had
			// taken but not begun) — since the trigger received the delivery
			const since = Date.parse(execution.startedAt || '') || Date.parse(d.receivedAt || '');
			if (!since || now - since < STUCK_AFTER_SECONDS * 1000) continue;
			const seconds = Math.round((now - since) / 1000);
			out.push({
				json: {
					letterId: `delivery:${d.idempotencyKey}`,
					status: 'pending',
					kind: 'delivery',
					topic: d.topic || '',
					idempotencyKey: d.idempotencyKey,
					summary: `${d.topic} delivery from ${d.shop}`,
					payload: JSON.stringify(d),
					request: '',
					error: `execution ${execution.id} still ${execution.status} after ${seconds} s (worker lost?): recorded by the sweep`,
					failedNode: '',
					executionId: String(execution.id),
					attempts: 1,
					replays: 0,
					lastTriedAt: new Date(now).toISOString(),
				},
			});
		}
	}
	return out;
};
