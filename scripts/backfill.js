#!/usr/bin/env node
'use strict';
/**
 * npm run backfill -- --since 2025-01-01 [--until 2025-12-31] [--no-wait]
 *
 * Asks the running sync workflow (npm start / start:queue, or your own n8n with the same user folder
 * settings) to import history: adds a `requested` row to its Data Table `shopify_backfill` through
 * n8n's public API — exactly what a user can do in the editor — which the workflow picks up within
 * 30 s. Then prints its progress (objects done / total, events, profiles and consent sent, errors)
 * until it is done. Ctrl-C stops only this script: the backfill goes on in n8n.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');

const BACKFILL_TABLE = 'shopify_backfill';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
	const out = { wait: true };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
			if (v === undefined || v.startsWith('--')) throw new Error(`${a.split('=')[0]} needs a value`);
			return v;
		};
		if (a === '--since' || a.startsWith('--since=')) out.since = value();
		else if (a === '--until' || a.startsWith('--until=')) out.until = value();
		else if (a === '--no-wait') out.wait = false;
		else throw new Error(`unknown argument ${a} (use --since YYYY-MM-DD [--until YYYY-MM-DD] [--no-wait])`);
	}
	if (!out.since) throw new Error('--since is required, e.g. npm run backfill -- --since 2025-01-01');
	for (const k of ['since', 'until']) {
		if (out[k] === undefined) continue;
		const ms = Date.parse(out[k]);
		if (!Number.isFinite(ms)) throw new Error(`--${k} must be a date such as 2025-01-01 (got "${out[k]}")`);
		out[k] = new Date(ms).toISOString();
	}
	if (out.until && Date.parse(out.until) <= Date.parse(out.since)) throw new Error(`--until (${out.until}) must be after --since (${out.since})`);
	return out;
}

async function backfillTable({ baseUrl, apiKey, timeoutMs = 60000 }) {
	const headers = { 'X-N8N-API-KEY': apiKey };
	const started = Date.now();
	for (;;) {
		const tables = await axios.get(`${baseUrl}/api/v1/data-tables`, { headers, params: { limit: 250 } });
		const table = (tables.data.data || []).find((t) => t.name === BACKFILL_TABLE);
		if (table) return `${baseUrl}/api/v1/data-tables/${table.id}/rows`;
		if (Date.now() - started > timeoutMs) throw new Error(`Data Table ${BACKFILL_TABLE} not found: is the sync workflow published? (it creates the table on publish)`);
		await sleep(1000);
	}
}

async function readRun({ baseUrl, apiKey, runId, rowsUrl }) {
	const url = rowsUrl || (await backfillTable({ baseUrl, apiKey }));
	let cursor;
	do {
		const r = await axios.get(url, { headers: { 'X-N8N-API-KEY': apiKey }, params: { limit: 250, cursor } });
		const row = (r.data.data || []).find((x) => x.runId === runId);
		if (row) return row;
		cursor = r.data.nextCursor;
	} while (cursor);
	return undefined;
}

/** Adds the `requested` row; returns its runId. */
async function requestBackfill({ baseUrl, apiKey, since, until }) {
	const rowsUrl = await backfillTable({ baseUrl, apiKey });
	const runId = `backfill-${new Date().toISOString()}`;
	await axios.post(
		rowsUrl,
		{ data: [{ runId, status: 'requested', since, until: until || '', phase: 'start', offset: 0, objectsDone: 0, objectsTotal: 0, chunks: 0, eventsSent: 0, profilesSent: 0, consentSent: 0, errors: 0, leaseUntilMs: 0 }], returnType: 'count' },
		{ headers: { 'X-N8N-API-KEY': apiKey } },
	);
	return { runId, rowsUrl };
}

const line = (r) =>
	`${r.status.padEnd(9)} ${r.phase.padEnd(9)} objects ${r.objectsDone}/${r.objectsTotal || '?'}  events ${r.eventsSent}  profiles ${r.profilesSent}  consent ${r.consentSent}  errors ${r.errors}${r.lastError ? `  — ${r.lastError}` : ''}`;

async function followBackfill({ baseUrl, apiKey, runId, rowsUrl, log = console.log, timeoutMs = 24 * 3600_000, intervalMs = 2000 }) {
	const started = Date.now();
	let last = '';
	for (;;) {
		const row = await readRun({ baseUrl, apiKey, runId, rowsUrl });
		if (row) {
			const text = line(row);
			if (text !== last) log(text);
			last = text;
			if (row.status === 'done' || row.status === 'failed') return row;
		}
		if (Date.now() - started > timeoutMs) throw new Error('timed out following the backfill (it goes on in n8n)');
		await sleep(intervalMs);
	}
}

module.exports = { parseArgs, requestBackfill, followBackfill, readRun, backfillTable, BACKFILL_TABLE };

if (require.main === module) {
	(async () => {
		const { loadEnv } = require('./lib/env');
		const n8n = require('./lib/n8n');
		const settings = require('./lib/settings');
		const args = parseArgs(process.argv.slice(2));
		const { env: cfg } = loadEnv(n8n.ROOT);
		const port = settings.portFrom(cfg);
		const userFolder = settings.userFolderFrom(cfg);
		const keyFile = path.join(userFolder, 'api-key.json');
		if (!fs.existsSync(keyFile)) throw new Error(`no ${keyFile}: start n8n with npm start first (with the same N8N_USER_FOLDER)`);
		const { apiKey } = JSON.parse(fs.readFileSync(keyFile, 'utf8'));
		const baseUrl = `http://127.0.0.1:${port}`;
		const { runId, rowsUrl } = await requestBackfill({ baseUrl, apiKey, since: args.since, until: args.until });
		console.log(`backfill ${runId} requested (${args.since} → ${args.until || 'now'}); the sync workflow starts it within 30 s. Progress: Data table ${BACKFILL_TABLE} in n8n.`);
		if (!args.wait) return;
		const row = await followBackfill({ baseUrl, apiKey, runId, rowsUrl });
		process.exitCode = row.status === 'done' && !Number(row.errors) ? 0 : 1;
	})().catch((err) => {
		console.error(`backfill: ${err.response ? `HTTP ${err.response.status} ${JSON.stringify(err.response.data)}` : err.message}`);
		process.exit(1);
	});
}
