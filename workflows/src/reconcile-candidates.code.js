/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Reconciliation, step 2: which objects Shopify changed in the window have NOT been applied in their
	// current state yet. "States in the window" holds the shopify_object_state rows (what the live path,
	// replays and earlier runs applied) whose state time falls in the window: an object with a row at
	// least as new as its current state was delivered, and is skipped. The others are looked up once more
	// by key ("Earlier state of the object"): an order whose only change since its last applied state has
	// nothing Klaviyo receives (e.g. a tag edit) was delivered too. Consent whose state is older than the
	// window did not change in it (an earlier run covered it). One item per object to look up.
	const reading = $('Changed in Shopify');
	const summary = reading.first(1).json;
	const sinceMs = Date.parse(summary.since) || 0;
	const newest = new Map();
	for (const { json: row } of $input.all()) {
		if (!row || !row.objectKey) continue;
		const ms = Number(row.objectUpdatedAtMs) || 0;
		if (!newest.has(row.objectKey) || newest.get(row.objectKey) < ms) newest.set(row.objectKey, ms);
	}
	const keys = new Set();
	for (const { json: d } of reading.all(0)) {
		const o = d.object;
		if (!o || !o.objectKey) continue; // no comparable state: always sent (step 3)
		if (newest.has(o.objectKey) && newest.get(o.objectKey) >= Number(o.updatedAtMs)) continue;
		if (/-consent:/.test(o.objectKey) && Number(o.updatedAtMs) < sinceMs) continue;
		keys.add(o.objectKey);
	}
	return [...keys].map((objectKey) => ({ json: { objectKey } }));
};
