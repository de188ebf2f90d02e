#!/usr/bin/env node
'use strict';
/**
 * npm run replay: ask the sync workflow to replay every dead letter that is `pending` or `failed` —
 * exactly what a user does in the editor by setting a row's status to `replay` in the Data Table
 * `klaviyo_dead_letters`: the workflow picks such rows up within 30 s and re-sends each through the
 * same mapper and Klaviyo node as the live sync. Then it waits for every one of them to settle and
 * prints its new status (done / failed / superseded). Requires `npm start` (or start:queue) running.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { loadEnv } = require('./lib/env');
const n8n = require('./lib/n8n');
const settings = require('./lib/settings');
const { DEAD_LETTER_TABLE } = require('./lib/install');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SETTLED = new Set(['done', 'failed', 'superseded', 'pending']);

async function replay({ baseUrl, apiKey, timeoutMs = 150000, log = console.log, only }) {
	const headers = { 'X-N8N-API-KEY': apiKey };
	const tables = await axios.get(`${baseUrl}/api/v1/data-tables`, { headers, params: { limit: 250 } });
	const table = (tables.data.data || []).find((t) => t.name === DEAD_LETTER_TABLE);
	if (!table) throw new Error(`Data Table ${DEAD_LETTER_TABLE} not found: is the sync workflow published?`);
	const rowsUrl = `${baseUrl}/api/v1/data-tables/${table.id}/rows`;
	const rows = async () => {
		const out = [];
		let cursor;
		do {
			const r = await axios.get(rowsUrl, { headers, params: { limit: 250, cursor } });
			out.push(...r.data.data);
			cursor = r.data.nextCursor;
		} while (cursor);
		return out;
	};
	// a crashed execution whose delivery was not recovered has nothing to re-send: it stays as it is
	const replayable = (r) => (r.status === 'pending' || r.status === 'failed') && (r.payload || r.request) && (!only || only(r));
	const before = (await rows()).filter(replayable);
	if (!before.length) {
		log('no dead letters to replay');
		return { replayed: 0, rows: [] };
	}
	log(`replaying ${before.length} dead letter(s)… (the sync workflow picks them up within 30 s)`);
	for (const r of before) {
		await axios.patch(
			`${rowsUrl}/update`,
			{ filter: { type: 'and', filters: [{ columnName: 'letterId', condition: 'eq', value: r.letterId }] }, data: { status: 'replay' } },
			{ headers },
		);
	}
	const ids = new Set(before.map((r) => r.letterId));
	const started = Date.now();
	let after;
	for (;;) {
		after = (await rows()).filter((r) => ids.has(r.letterId));
		if (after.every((r) => SETTLED.has(r.status))) break;
		if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the replay (is the sync workflow published?)');
		await sleep(500);
	}
	for (const r of after) log(`${r.status.padEnd(10)} ${r.letterId}${r.status !== 'done' ? `  — ${r.error}` : ''}`);
	return { replayed: before.length, rows: after };
}

module.exports = { replay };

if (require.main === module) {
	(async () => {
		const { env: cfg } = loadEnv(n8n.ROOT);
		// the same port and user folder npm start used (N8N_PORT, N8N_USER_FOLDER)
		const port = settings.portFrom(cfg);
		const userFolder = settings.userFolderFrom(cfg);
		const keyFile = path.join(userFolder, 'api-key.json');
		if (!fs.existsSync(keyFile)) throw new Error(`no ${keyFile}: start n8n with npm start first (with the same N8N_USER_FOLDER)`);
		const { apiKey } = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
		const { rows } = await replay({ baseUrl: `http://127.0.0.1:${port}`, apiKey });
		process.exitCode = rows.some((r) => r.status !== 'done') ? 1 : 0;
	})().catch((err) => {
		console.error(`replay: ${err.message}`);
		process.exit(1);
	});
}
