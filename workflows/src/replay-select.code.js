/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Dead letters about to be replayed, each with the Shopify object it would write and how new that
	// state is, for the "newer state delivered since?" check that follows (never replay backwards).
	// Rows without anything to re-send yet (a crashed execution whose delivery was not recovered) are
	// left as they are; a row whose payload or request cannot be read (edited into broken JSON, or
	// missing what a replay needs) is not replayed and says why (status "failed"), never dropped silently.
	const objectState = __OBJECT_STATE__;
	const out = [];
	for (const { json: row } of $input.all()) {
		let state;
		let cannotReplay = '';
		const column = row.kind === 'request' ? 'request' : 'payload';
		if (row.kind === 'execution' && !row.payload) continue; // delivery not recovered (yet)
		if (row.kind !== 'delivery' && row.kind !== 'execution' && row.kind !== 'request') {
			cannotReplay = `not replayed: unknown kind "${row.kind}" (expected delivery, request or execution)`;
		} else {
			let parsed;
			try {
				parsed = JSON.parse(row[column]);
			} catch (e) {
				cannotReplay = `not replayed: the ${column} cell is not valid JSON (${e.message}); fix it and set the status to replay`;
			}
			if (!cannotReplay && column === 'payload') {
				if (!parsed || typeof parsed !== 'object' || !parsed.topic || !parsed.payload || typeof parsed.payload !== 'object') {
					cannotReplay = 'not replayed: the payload cell must be the whole delivery, an object with "topic" and "payload"';
				} else {
					try {
						state = objectState(parsed.topic, parsed.payload);
					} catch (e) {
						state = undefined; // no comparable object state: replayed without the check
					}
				}
			} else if (!cannotReplay) {
				if (!parsed || typeof parsed !== 'object' || !parsed.operation || !parsed.body) {
					cannotReplay = 'not replayed: the request cell must be a mapped request, an object with "operation" and "body"';
				} else {
					state = parsed.object;
				}
			}
		}
		out.push({
			json: {
				letterId: row.letterId,
				replays: Number(row.replays) || 0,
				// no object: a key no state row has, so the check below passes it through
				objectKey: (state && state.objectKey) || `none:${row.letterId}`,
				objectUpdatedAtMs: (state && state.updatedAtMs) || 0,
				objectUpdatedAt: (state && state.updatedAt) || '',
				cannotReplay,
			},
		});
	}
	return out;
};
