/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// This workflow's own Error Trigger: n8n runs it when an execution of this workflow crashed (a node
	// threw, the process or a worker was lost). n8n hands over the execution id and the error, NOT the
	// input items, so the Shopify delivery is not here. Record what we know; the optional recovery
	// workflow (workflows/shopify-to-klaviyo-recovery.json, needs an n8n API credential) fetches the
	// execution and fills in the delivery. Without it, the row says where to look.
	// No payload/request/summary columns here: the recovery workflow may already have kept this
	// execution's delivery (a lost worker's execution, captured while it was still running) in the same
	// row, and this upsert must not blank it — it only makes the row ready to replay ("pending").
	const failure = $input.first().json;
	const execution = failure.execution || {};
	const error = execution.error || {};
	const id = String(execution.id || '');
	const node = execution.lastNodeExecuted || (error.node && error.node.name) || '';
	// Only executions that carried a Shopify delivery are dead letters. Not: a replay's own sub-execution
	// ("integrated": the replaying execution marks that letter failed itself), the replay schedule or the
	// on-publish table set-up ("trigger", "internal", "cli"), or an activation error (no execution at all).
	if (!id || ['integrated', 'trigger', 'internal', 'cli'].includes(execution.mode)) return [];
	return [
		{
			json: {
				letterId: `execution:${id}`,
				status: 'pending',
				kind: 'execution',
				error: `execution ${id} failed${node ? ` in "${node}"` : ''}: ${[error.message, error.description].filter(Boolean).join(' — ') || 'execution failed'} (its Shopify delivery is filled in by the optional recovery workflow, which needs an n8n API credential; without it, see the execution in n8n)`,
				failedNode: node,
				executionId: id,
				attempts: 1,
				replays: 0,
				lastTriedAt: new Date().toISOString(),
			},
		},
	];
};
