#!/usr/bin/env node
'use strict';
/**
 * npm run replay: re-deliver every dead letter (rows of the `klaviyo_dead_letters` Data Table whose
 * status is not "done") through the shipped replay workflow — the same mapper and Klaviyo node as the
 * live sync — then print each letter's new status. Requires `npm start` to be running.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { loadEnv } = require('./lib/env');
const n8n = require('./lib/n8n');
const { DEAD_LETTER_TABLE } = require('./lib/provision');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function replay({ baseUrl, apiKey, replayToken, timeoutMs = 120000, log = console.log }) {
	const headers = { 'X-N8N-API-KEY': apiKey };
	const tables = await axios.get(`${baseUrl}/api/v1/data-tables`, { headers, params: { limit: 250 } });
	const table = (tables.data.data || []).find((t) => t.name === DEAD_LETTER_TABLE);
	if (!table) throw new Error(`Data Table ${DEAD_LETTER_TABLE} not found: is this the n8n started by npm start?`);
	const rows = async () => (await axios.get(`${baseUrl}/api/v1/data-tables/${table.id}/rows`, { headers, params: { limit: 250 } })).data.data;
	const before = (await rows()).filter((r) => r.status !== 'done');
	if (!before.length) {
		log('no dead letters to replay');
		return { replayed: 0, rows: [] };
	}
	log(`replaying ${before.length} dead letter(s)…`);
	const latestReplay = async () => {
		const ex = await axios.get(`${baseUrl}/api/v1/executions`, { headers, params: { workflowId: n8n.IDS.replayWorkflow, limit: 1 } });
		return ex.data.data[0];
	};
	// execution ids grow: the replay we start is the first one newer than the newest one now
	const previous = await latestReplay();
	const previousId = previous ? Number(previous.id) : 0;
	const started = Date.now();
	const res = await axios.post(`${baseUrl}/webhook/klaviyo-dead-letters/replay`, {}, { headers: { 'x-replay-token': replayToken }, validateStatus: () => true });
	if (res.status >= 300) throw new Error(`the replay workflow answered HTTP ${res.status}: is "Replay Klaviyo dead letters" published?`);
	// wait for that replay execution to finish
	for (;;) {
		const last = await latestReplay();
		if (last && Number(last.id) > previousId && last.stoppedAt) break;
		if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the replay workflow');
		await sleep(500);
	}
	const ids = new Set(before.map((r) => r.letterId));
	const after = (await rows()).filter((r) => ids.has(r.letterId));
	for (const r of after) log(`${r.status.padEnd(7)} ${r.letterId}${r.status === 'failed' ? `  — ${r.error}` : ''}`);
	return { replayed: before.length, rows: after };
}

module.exports = { replay };

if (require.main === module) {
	(async () => {
		const { env: cfg } = loadEnv(n8n.ROOT);
		const port = Number(cfg.N8N_PORT || 5678);
		const userFolder = path.resolve(n8n.ROOT, cfg.N8N_DATA_DIR || '.n8n-data');
		const keyFile = path.join(userFolder, 'api-key.json');
		if (!fs.existsSync(keyFile)) throw new Error(`no ${path.relative(n8n.ROOT, keyFile)}: start n8n with npm start first`);
		const { apiKey } = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
		const { rows } = await replay({ baseUrl: `http://127.0.0.1:${port}`, apiKey, replayToken: n8n.replayTokenFor(userFolder) });
		process.exitCode = rows.some((r) => r.status !== 'done') ? 1 : 0;
	})().catch((err) => {
		console.error(`replay: ${err.message}`);
		process.exit(1);
	});
}
