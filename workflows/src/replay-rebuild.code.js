/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// One dead letter (its Data Table row), replayed in its own execution of this workflow: turn it
	// back into what the live sync had at that point — a Shopify delivery (re-mapped by the same
	// mapper node, so the live mapping configuration applies) or a ready Klaviyo request (sent as is) —
	// carrying its letter, so a failure is written to this letter's row.
	const out = [];
	for (const { json: row } of $input.all()) {
		const letter = { letterId: row.letterId, kind: row.kind, replays: Number(row.replays) || 0 };
		if (row.kind === 'request') {
			out.push({ json: { ...JSON.parse(row.request), letter } });
		} else {
			out.push({ json: { ...JSON.parse(row.payload), letter } });
		}
	}
	return out;
};
