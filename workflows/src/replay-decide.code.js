/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// "Newer state delivered since?" looked up, per letter, the object-state rows of the same Shopify
	// object that are newer than the letter's. A letter with such a row is superseded (never replayed
	// backwards); the others are replayed. (Compared here, not by a row-exists node: n8n's Data table
	// row-exists check only supports "equals".)
	const newest = new Map();
	for (const { json: row } of $input.all()) {
		if (!row || !row.objectKey) continue; // the empty item of "no rows at all"
		const ms = Number(row.objectUpdatedAtMs) || 0;
		if (!newest.has(row.objectKey) || newest.get(row.objectKey).ms < ms) newest.set(row.objectKey, { ms, at: row.objectUpdatedAt || '' });
	}
	return $('Letters and their objects')
		.all()
		.map(({ json: letter }) => {
			const n = newest.get(letter.objectKey);
			const superseded = !!n && n.ms > Number(letter.objectUpdatedAtMs);
			return { json: { ...letter, supersededBy: superseded ? n.at || String(n.ms) : '' } };
		});
};
