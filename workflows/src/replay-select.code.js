/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Dead letters about to be replayed, each with the Shopify object it would write and how new that
	// state is, for the "newer state delivered since?" check that follows (never replay backwards).
	// Rows without anything to re-send (a crashed execution whose delivery was not recovered) are left
	// as they are.
	const objectState = __OBJECT_STATE__;
	const out = [];
	for (const { json: row } of $input.all()) {
		let state;
		let usable = false;
		try {
			if (row.kind === 'delivery' || (row.kind === 'execution' && row.payload)) {
				const delivery = JSON.parse(row.payload);
				usable = !!(delivery && delivery.topic && delivery.payload);
				state = usable ? objectState(delivery.topic, delivery.payload) : undefined;
			} else if (row.kind === 'request') {
				const request = JSON.parse(row.request);
				usable = !!(request && request.operation && request.body);
				state = request && request.object;
			}
		} catch (e) {
			usable = false;
		}
		if (!usable) continue;
		out.push({
			json: {
				letterId: row.letterId,
				replays: Number(row.replays) || 0,
				// no object: a key no state row has, so the check below passes it through
				objectKey: (state && state.objectKey) || `none:${row.letterId}`,
				objectUpdatedAtMs: (state && state.updatedAtMs) || 0,
				objectUpdatedAt: (state && state.updatedAt) || '',
			},
		});
	}
	return out;
};
