/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Dead letters whose execution must be looked up: "watching" letters (is their execution finished,
	// and how?) and crashed-execution letters without their delivery yet. One item per execution id
	// (an empty item when there is none, so the chain goes on).
	const ids = new Set();
	for (const { json: row } of $('Dead letters to check').all()) {
		if (!row || !row.letterId || !row.executionId) continue;
		if (row.status === 'watching' || (row.kind === 'execution' && !row.payload && row.status === 'pending')) ids.add(String(row.executionId));
	}
	const out = [...ids].map((id) => ({ json: { id } }));
	return out.length ? out : [{ json: {} }];
};
