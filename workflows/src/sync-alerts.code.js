/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// One item per alert of this reconciliation run, for the "Sync alert" output: connect n8n's Slack or
	// Email node there ({{ $json.subject }} / {{ $json.message }}). No alert: no item, nothing is sent.
	const out = [];
	for (const name of ['Reconciliation result', 'Reconciliation failed']) {
		let ran = false;
		try {
			ran = $(name).isExecuted;
		} catch (e) {
			ran = false;
		}
		if (!ran) continue;
		for (const { json: row } of $(name).all()) {
			let alerts = [];
			try {
				alerts = JSON.parse(row.alerts || '[]');
			} catch (e) {
				alerts = [];
			}
			for (const a of alerts) {
				out.push({
					json: {
						...a,
						subject: `Shopify → Klaviyo sync: ${a.alert}`,
						at: row.lastRunAt,
						health: {
							lastRunAt: row.lastRunAt,
							lastRunStatus: row.lastRunStatus,
							lastRunSent: row.lastRunSent,
							lastLiveDeliveryAt: row.lastLiveDeliveryAt,
							deadLettersWaiting: row.deadLettersWaiting,
						},
					},
				});
			}
		}
	}
	return out;
};
