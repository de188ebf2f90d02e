/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// n8n gives an error workflow the failed execution's id and error, not its input items.
	// "Get failed execution" fetched the execution with its data: the Shopify delivery is what the
	// Shopify Webhook Trigger emitted in that execution. One dead letter per delivery, keyed by the
	// delivery's idempotency key, so a second report of the same failure updates the same row.
	const TRIGGER_TYPE = 'n8n-nodes-shopify-klaviyo.shopifyWebhookTrigger';
	const failure = $('Error Trigger').first().json;
	const execution = $input.first().json;
	const error = (failure.execution && failure.execution.error) || {};
	const failedNode = (failure.execution && failure.execution.lastNodeExecuted) || (error.node && error.node.name) || '';
	const runData = (execution.data && execution.data.resultData && execution.data.resultData.runData) || {};
	const nodes = (execution.workflowData && execution.workflowData.nodes) || [];
	const triggerNames = nodes.filter((n) => n.type === TRIGGER_TYPE).map((n) => n.name);

	const deliveries = [];
	for (const name of triggerNames) {
		for (const run of runData[name] || []) {
			const items = (run.data && run.data.main && run.data.main[0]) || [];
			for (const item of items) deliveries.push(item.json);
		}
	}

	const base = {
		status: 'pending',
		request: '',
		error: [error.message, error.description].filter(Boolean).join(' — ') || 'execution failed',
		failedNode,
		executionId: String(failure.execution && failure.execution.id),
		attempts: 1,
		replays: 0,
		lastTriedAt: new Date().toISOString(),
	};

	if (deliveries.length === 0) {
		return [
			{
				json: {
					...base,
					letterId: `execution:${base.executionId}`,
					kind: 'execution',
					topic: '',
					idempotencyKey: '',
					summary: `failed execution of "${(failure.workflow && failure.workflow.name) || 'workflow'}" without a Shopify delivery`,
					payload: '',
				},
			},
		];
	}

	return deliveries.map((d) => ({
		json: {
			...base,
			letterId: `delivery:${d.idempotencyKey}`,
			kind: 'delivery',
			topic: d.topic || '',
			idempotencyKey: d.idempotencyKey || '',
			summary: `${d.topic} delivery from ${d.shop}`,
			payload: JSON.stringify(d),
		},
	}));
};
