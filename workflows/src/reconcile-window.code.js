/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Reconciliation, step 1: where the last successful run stopped. The checkpoint is a row of the
	// Data Table shopify_sync_state (name "reconciliation"), shared by every worker in queue mode,
	// kept across restarts and editable by hand (empty it to read the last Initial Window minutes again,
	// or set an ISO time to re-read from there). "Changed in Shopify" reads from it minus its Overlap.
	let row = {};
	for (const { json } of $input.all()) if (json && json.name === 'reconciliation') row = json;
	const checkpoint = typeof row.checkpoint === 'string' && Number.isFinite(Date.parse(row.checkpoint)) ? row.checkpoint : '';
	return [{ json: { since: checkpoint, firstRun: !checkpoint, startedAt: new Date().toISOString() } }];
};
