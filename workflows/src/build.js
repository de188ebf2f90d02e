#!/usr/bin/env node
'use strict';
/**
 * Source of the shipped workflows. `node workflows/src/build.js` (after `npm run build`: it copies the
 * compiled objectState() into a Code node) writes:
 *
 *   workflows/shopify-to-klaviyo.json           the whole sync: live path, dead letters, replay. Imports
 *                                               anywhere: no workflow, table or credential id to match —
 *                                               its Data Tables are found by name and created on publish.
 *   workflows/shopify-to-klaviyo-recovery.json  OPTIONAL crash recovery (lost workers, crashed executions).
 *                                               A separate file for one reason: it needs n8n's API (an
 *                                               *n8n API* credential), and n8n 2.41 refuses to publish a
 *                                               workflow with a node whose credential is missing — so in
 *                                               the sync it would make that credential mandatory.
 *
 * Each workflow is built in its own file (sync.js, recovery.js) from the shared node builders in nodes.js;
 * the Code nodes' JavaScript lives in readable files (workflows/src/*.code.js).
 * A unit test (test/unit/workflows/build.test.js) regenerates both and compares them with the committed files.
 */
const fs = require('node:fs');
const path = require('node:path');
const { CREDS } = require('./nodes');
const tables = require('./tables');
// in this order: node ids are numbered as nodes are built
const sync = require('./sync');
const recovery = require('./recovery');

const WORKFLOWS = { 'shopify-to-klaviyo.json': sync, 'shopify-to-klaviyo-recovery.json': recovery };

function render(wf) {
	return JSON.stringify(wf, null, 2) + '\n';
}

module.exports = {
	WORKFLOWS,
	render,
	DEAD_LETTER_TABLE: tables.DEAD_LETTER_TABLE,
	STATE_TABLE: tables.STATE_TABLE,
	SYNC_STATE_TABLE: tables.SYNC_STATE_TABLE,
	BACKFILL_TABLE: tables.BACKFILL_TABLE,
	DEAD_LETTER_COLUMNS: tables.DEAD_LETTER_COLUMNS,
	STATE_COLUMNS: tables.STATE_COLUMNS,
	SYNC_STATE_COLUMNS: tables.SYNC_STATE_COLUMNS,
	BACKFILL_COLUMNS: tables.BACKFILL_COLUMNS,
	CREDS,
};

if (require.main === module) {
	const outDir = path.join(__dirname, '..');
	for (const [file, wf] of Object.entries(WORKFLOWS)) {
		fs.writeFileSync(path.join(outDir, file), render(wf));
		console.log(`wrote workflows/${file}`);
	}
}
