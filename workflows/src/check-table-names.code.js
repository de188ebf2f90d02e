/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// n8n 2.41 finds a Data Table "by name" with a case-insensitive CONTAINS match and takes the most
	// recently updated match, so another table whose name contains one of ours (a copy such as
	// "klaviyo_dead_letters_backup") would receive this workflow's reads and writes. Fail here, on
	// publish, naming the tables to rename, instead of misrouting quietly.
	const OURS = __TABLE_NAMES__;
	const tableNameClashes = __TABLE_NAME_CLASHES__;
	const names = $input.all().map(({ json: t }) => t && t.name);
	const clashes = tableNameClashes(names, OURS);
	if (clashes.length) {
		throw new Error(
			`Rename these Data Tables: ${clashes.join(', ')}. n8n selects a Data Table by name with a "contains" match, so this workflow could read and write them instead of its own tables (${OURS.join(', ')}).`,
		);
	}
	return [{ json: { tables: OURS, checked: names.length } }];
};
