/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Never go backwards on the live path: Shopify does not order its deliveries, so a customers/update
	// (or a consent change) from an hour ago can arrive after one from a minute ago. "Newer state
	// applied?" looked up, per profile/consent request, the object-state rows of the same customer or
	// consent that are NEWER than this delivery's (the Data Table every worker shares). A request with
	// such a row is not sent: it would overwrite the newer profile attributes or consent in Klaviyo.
	// It leaves marked `stale` with the reason (to the "Older than applied" branch, never silently).
	// Events never come here: their unique_ids make them idempotent.
	const newest = new Map();
	for (const { json: row } of $input.all()) {
		if (!row || !row.objectKey) continue; // the empty item of "no rows at all"
		const ms = Number(row.objectUpdatedAtMs) || 0;
		if (!newest.has(row.objectKey) || newest.get(row.objectKey).ms < ms) newest.set(row.objectKey, { ms, at: row.objectUpdatedAt || '' });
	}
	return $('Shopify to Klaviyo')
		.all(4)
		.map(({ json: request }) => {
			const object = request.object || {};
			const n = newest.get(object.objectKey);
			if (!n || !(n.ms > Number(object.updatedAtMs))) return { json: { ...request, stale: false } };
			return {
				json: {
					...request,
					stale: true,
					reason: `not sent: ${object.objectKey} was already applied in a newer state (${n.at || n.ms}) than this delivery's (${object.updatedAt})`,
				},
			};
		});
};
