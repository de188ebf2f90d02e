/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Reconciliation failed (Shopify could not be read, or sending the missed deliveries crashed): the
	// checkpoint is NOT advanced (the next run reads the same window again); the failure is recorded in
	// shopify_sync_state and raised as an alert.
	const item = ($input.first() || { json: {} }).json;
	const e = item.error;
	const message = (e && (e.message || e.description)) || (typeof e === 'string' ? e : '') || 'unknown error';
	const alerts = [
		{
			alert: 'reconciliation-failed',
			message: `Reconciliation with Shopify failed and will retry the same window at its next run: ${message}`,
		},
	];
	return [
		{
			json: {
				name: 'reconciliation',
				lastRunAt: new Date().toISOString(),
				lastRunStatus: 'failed',
				lastRunError: String(message).slice(0, 1000),
				alerts: JSON.stringify(alerts),
			},
		},
	];
};
