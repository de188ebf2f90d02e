/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Turn each dead letter back into what the live sync had at that point:
	// a Shopify delivery (re-mapped, then sent) or a ready Klaviyo request (sent as is).
	const out = [];
	for (const { json: row } of $input.all()) {
		const letter = { letterId: row.letterId, kind: row.kind, replays: Number(row.replays) || 0 };
		try {
			if (row.kind === 'delivery') {
				out.push({ json: { ...JSON.parse(row.payload), letter } });
			} else if (row.kind === 'request') {
				out.push({ json: { ...JSON.parse(row.request), letter } });
			}
			// kind "execution": a failed run without a Shopify delivery; nothing to re-send automatically
		} catch (e) {
			throw new Error(`dead letter ${row.letterId}: its ${row.kind === 'delivery' ? 'payload' : 'request'} column is not valid JSON (${e.message})`);
		}
	}
	return out;
};
