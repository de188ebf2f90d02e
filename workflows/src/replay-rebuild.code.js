/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// One dead letter (its Data Table row), replayed in its own execution of this workflow: turn it
	// back into what the live sync had at that point — a Shopify delivery (re-mapped by the same
	// mapper node, so the live mapping configuration applies) or a ready Klaviyo request (sent as is) —
	// carrying its letter, so a failure is written to this letter's row.
	// Reconciliation calls this workflow too, with { reconcile: [deliveries] }: Shopify objects the live
	// path missed, mapped and sent like live deliveries (no letter: a failure becomes a new dead letter).
	const out = [];
	for (const { json: row } of $input.all()) {
		if (Array.isArray(row.reconcile)) {
			for (const delivery of row.reconcile) out.push({ json: delivery });
			continue;
		}
		const letter = { letterId: row.letterId, kind: row.kind, replays: Number(row.replays) || 0 };
		if (row.kind === 'request') {
			out.push({ json: { ...JSON.parse(row.request), letter } });
		} else {
			out.push({ json: { ...JSON.parse(row.payload), letter } });
		}
	}
	return out;
};
