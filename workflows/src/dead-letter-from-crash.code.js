/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// This workflow's own Error Trigger: n8n runs it when an execution of this workflow crashed (a node
	// threw, the process or a worker was lost). n8n hands over the execution id and the error, NOT the
	// input items, so the Shopify delivery is not here. Record what we know; the optional recovery
	// workflow (workflows/shopify-to-klaviyo-recovery.json, needs an n8n API credential) fetches the
	// execution and fills in the delivery. Without it, the row says where to look.
	const failure = $input.first().json;
	const execution = failure.execution || {};
	const error = execution.error || {};
	const id = String(execution.id || '');
	const node = execution.lastNodeExecuted || (error.node && error.node.name) || '';
	return [
		{
			json: {
				letterId: `execution:${id}`,
				status: 'pending',
				kind: 'execution',
				topic: '',
				idempotencyKey: '',
				summary: `execution ${id} failed${node ? ` in "${node}"` : ''}: payload not recovered yet (the recovery workflow with an n8n API credential fills it in; else see the execution in n8n)`,
				payload: '',
				request: '',
				error: [error.message, error.description].filter(Boolean).join(' — ') || 'execution failed',
				failedNode: node,
				executionId: id,
				attempts: 1,
				replays: 0,
				lastTriedAt: new Date().toISOString(),
			},
		},
	];
};
