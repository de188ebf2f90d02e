/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// "Newer state delivered since?" looked up, per letter, the object-state rows of the same Shopify
	// object that are newer than the letter's. A letter with such a row is superseded (never replayed
	// backwards); a letter that cannot be read is "failed" with its reason; the others are replayed. (Compared here, not by a row-exists node: n8n's Data table
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
			if (letter.cannotReplay) return { json: { ...letter, notReplayed: 'failed', reason: letter.cannotReplay } };
			const n = newest.get(letter.objectKey);
			if (n && n.ms > Number(letter.objectUpdatedAtMs)) {
				const by = n.at || String(n.ms);
				const reason = `not replayed: ${letter.objectKey} was delivered in a newer state (${by}) than this letter's (${letter.objectUpdatedAt}) since`;
				return { json: { ...letter, notReplayed: 'superseded', reason } };
			}
			return { json: { ...letter, notReplayed: '', reason: '' } };
		});
};
