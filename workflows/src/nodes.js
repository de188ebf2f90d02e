'use strict';
/**
 * Shared builders of the shipped workflows' nodes (workflows/src/sync.js, recovery.js): nodes, sticky
 * notes, Code nodes from workflows/src/*.code.js, Data Table nodes that find their table by name.
 * Node ids are numbered in the order nodes are built: build.js builds the sync first, then the recovery.
 */
const fs = require('node:fs');
const path = require('node:path');

const PKG = 'n8n-nodes-shopify-klaviyo';
/** Credential references as the editor writes them; the ids are placeholders the user's choice replaces. */
const CREDS = {
	shopify: { shopifyWebhookApi: { id: 'pick-your-shopify-credential', name: 'Shopify account' } },
	klaviyo: { klaviyoPrivateKeyApi: { id: 'pick-your-klaviyo-credential', name: 'Klaviyo account' } },
	n8nApi: { n8nApi: { id: 'pick-your-n8n-api-credential', name: 'n8n account' } },
};
const {
	DEAD_LETTER_TABLE,
	STATE_TABLE,
	SYNC_STATE_TABLE,
	BACKFILL_TABLE,
	DEAD_LETTER_COLUMNS,
	STATE_COLUMNS,
	SYNC_STATE_COLUMNS,
	BACKFILL_COLUMNS,
	tableNameClashes,
} = require('./tables');
const table = (name) => ({ __rl: true, mode: 'name', value: name });

function objectStateSource() {
	const compiled = path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'objectState.js');
	if (!fs.existsSync(compiled)) throw new Error('dist/nodes/shared/objectState.js is missing: run `npm run build` first');
	delete require.cache[require.resolve(compiled)];
	return require(compiled).objectState.toString();
}

const code = (name) => {
	// each <name>.code.js exports a function whose body is the Code node's JavaScript
	const src = require(path.join(__dirname, `${name}.code.js`)).toString();
	const body = src.slice(src.indexOf('{') + 1, src.lastIndexOf('}'));
	const lines = body.split('\n');
	while (lines.length && !lines[0].trim()) lines.shift();
	while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
	const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^\t*/)[0].length));
	let js = lines.map((l) => l.slice(indent)).join('\n') + '\n';
	if (js.includes('__OBJECT_STATE__')) js = js.replace('__OBJECT_STATE__', objectStateSource());
	if (js.includes('__TABLE_NAMES__')) js = js.replace('__TABLE_NAMES__', JSON.stringify([DEAD_LETTER_TABLE, STATE_TABLE, SYNC_STATE_TABLE, BACKFILL_TABLE]));
	if (js.includes('__BACKFILL_COLUMNS__')) js = js.replace('__BACKFILL_COLUMNS__', JSON.stringify(BACKFILL_COLUMNS));
	if (js.includes('__TABLE_NAME_CLASHES__')) js = js.replace('__TABLE_NAME_CLASHES__', tableNameClashes.toString());
	return js;
};
let uuidCounter = 0;
const id = (prefix) => `${prefix}-0000-4000-8000-${String(++uuidCounter).padStart(12, '0')}`;
const sticky = (name, content, [x, y], [w, h], color) => ({
	id: id('5717c4e0'),
	name,
	type: 'n8n-nodes-base.stickyNote',
	typeVersion: 1,
	position: [x, y],
	parameters: { content, width: w, height: h, ...(color ? { color } : {}) },
});
const node = (name, type, typeVersion, position, parameters = {}, extra = {}) => ({
	id: id('a1f0c6de'),
	name,
	type,
	typeVersion,
	position,
	parameters,
	...extra,
});
const codeNode = (name, file, position, extra = {}) => node(name, 'n8n-nodes-base.code', 2, position, { jsCode: code(file) }, extra);
const conditions = (list, matchType = 'allConditions') => ({
	matchType,
	filters: { conditions: list.map(([keyName, condition, keyValue]) => ({ keyName, condition, ...(keyValue !== undefined ? { keyValue } : {}) })) },
});
const createTable = (name, tableName, columns, position, extra = {}) =>
	node(name, 'n8n-nodes-base.dataTable', 1.1, position, {
		resource: 'table',
		operation: 'create',
		tableName,
		columns: { column: columns.map(([n, type]) => ({ name: n, type })) },
		options: { createIfNotExists: true },
	}, { executeOnce: true, ...extra });
const updateRows = (name, position, where, values, extra = {}) =>
	node(name, 'n8n-nodes-base.dataTable', 1.1, position, {
		resource: 'row',
		operation: 'update',
		dataTableId: table(DEAD_LETTER_TABLE),
		...conditions(where),
		columns: { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] },
		options: {},
	}, extra);
/** One row per letterId in the dead-letter table: a re-report of the same letter updates its row. */
const upsertLetters = (name, position) =>
	node(name, 'n8n-nodes-base.dataTable', 1.1, position, {
		resource: 'row',
		operation: 'upsert',
		dataTableId: table(DEAD_LETTER_TABLE),
		...conditions([['letterId', 'eq', '={{ $json.letterId }}']]),
		columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
		options: {},
	});
const to = (...targets) => targets.map((t) => ({ node: t, type: 'main', index: 0 }));
const settings = (extra = {}) => ({ executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner', ...extra });

module.exports = { PKG, CREDS, table, code, sticky, node, codeNode, conditions, createTable, updateRows, upsertLetters, to, settings };
