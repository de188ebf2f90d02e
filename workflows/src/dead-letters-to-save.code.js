/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// The dead-letter table exists now (created when missing): collect the letters of every dead-letter
	// source that ran in this execution, one item per letterId (later values win), for the upsert.
	const SOURCES = ['Dead letter from invalid delivery', 'Dead letters from failed requests', 'Dead letter from crashed execution'];
	const byId = new Map();
	for (const name of SOURCES) {
		let ran = false;
		try {
			ran = $(name).isExecuted;
		} catch (e) {
			ran = false;
		}
		if (!ran) continue;
		for (const { json } of $(name).all()) {
			if (!json || !json.letterId) continue;
			byId.set(json.letterId, { ...(byId.get(json.letterId) || {}), ...json });
		}
	}
	return [...byId.values()].map((json) => ({ json }));
};
