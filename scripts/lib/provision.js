'use strict';
/**
 * After n8n is up: what only a running n8n can create.
 *  - a public-API key for the owner (kept in the user folder, re-created if revoked)
 *  - the n8n API credential the dead-letter workflow uses to read a failed execution's input
 *  - the `klaviyo_dead_letters` Data Table (the dead-letter queue, visible and editable in n8n)
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const axios = require('axios');

const DEAD_LETTER_TABLE = 'klaviyo_dead_letters';
const DEAD_LETTER_COLUMNS = [
	{ name: 'letterId', type: 'string' },
	{ name: 'status', type: 'string' },
	{ name: 'kind', type: 'string' },
	{ name: 'topic', type: 'string' },
	{ name: 'idempotencyKey', type: 'string' },
	{ name: 'summary', type: 'string' },
	{ name: 'payload', type: 'string' },
	{ name: 'request', type: 'string' },
	{ name: 'error', type: 'string' },
	{ name: 'failedNode', type: 'string' },
	{ name: 'executionId', type: 'string' },
	{ name: 'attempts', type: 'number' },
	{ name: 'replays', type: 'number' },
	{ name: 'lastTriedAt', type: 'string' },
];
const API_KEY_SCOPES = [
	'workflow:read',
	'workflow:list',
	'execution:read',
	'execution:list',
	'dataTable:create',
	'dataTable:list',
	'dataTable:read',
	'dataTableRow:create',
	'dataTableRow:read',
	'dataTableRow:update',
	'dataTableRow:upsert',
	'credential:read',
	'credential:update',
];

async function login(baseUrl, owner) {
	const browserId = crypto.randomUUID();
	const res = await axios.post(
		`${baseUrl}/rest/login`,
		{ emailOrLdapLoginId: owner.email, password: owner.password },
		{ headers: { 'browser-id': browserId } },
	);
	const cookie = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
	return { cookie, browserId, headers: { cookie, 'browser-id': browserId } };
}

async function apiKeyWorks(baseUrl, apiKey) {
	const r = await axios.get(`${baseUrl}/api/v1/data-tables`, {
		headers: { 'X-N8N-API-KEY': apiKey },
		params: { limit: 1 },
		validateStatus: () => true,
	});
	return r.status === 200;
}

/** A new public-API key of the logged-in user (session from login()) with the given scopes. */
async function createApiKey(baseUrl, session, label, scopes) {
	const res = await axios.post(`${baseUrl}/rest/api-keys`, { label, expiresAt: null, scopes }, { headers: session.headers });
	return res.data.data.rawApiKey;
}

async function ensureApiKey(baseUrl, session, userFolder) {
	const file = path.join(userFolder, 'api-key.json');
	if (fs.existsSync(file)) {
		const { apiKey } = JSON.parse(fs.readFileSync(file, 'utf8'));
		if (apiKey && (await apiKeyWorks(baseUrl, apiKey))) return apiKey;
	}
	const apiKey = await createApiKey(baseUrl, session, `n8n-nodes-shopify-klaviyo ${new Date().toISOString()}`, API_KEY_SCOPES);
	fs.writeFileSync(file, JSON.stringify({ apiKey }), { mode: 0o600 });
	return apiKey;
}

async function ensureDeadLetterTable(baseUrl, apiKey) {
	const headers = { 'X-N8N-API-KEY': apiKey };
	const list = await axios.get(`${baseUrl}/api/v1/data-tables`, { headers, params: { limit: 250 } });
	const found = (list.data.data || []).find((t) => t.name === DEAD_LETTER_TABLE);
	if (found) return found.id;
	const res = await axios.post(`${baseUrl}/api/v1/data-tables`, { name: DEAD_LETTER_TABLE, columns: DEAD_LETTER_COLUMNS }, { headers });
	return res.data.id;
}

/** Point the n8n API credential (imported with a placeholder) at this instance with the real key. */
async function updateN8nApiCredential(baseUrl, apiKey, credentialId, port) {
	await axios.patch(
		`${baseUrl}/api/v1/credentials/${credentialId}`,
		{ name: 'n8n API (dead letters)', type: 'n8nApi', data: { apiKey, baseUrl: `http://127.0.0.1:${port}/api/v1` } },
		{ headers: { 'X-N8N-API-KEY': apiKey } },
	);
}

async function provision({ baseUrl, port, userFolder, owner, n8nApiCredentialId }) {
	const session = await login(baseUrl, owner);
	const apiKey = await ensureApiKey(baseUrl, session, userFolder);
	const tableId = await ensureDeadLetterTable(baseUrl, apiKey);
	if (n8nApiCredentialId) await updateN8nApiCredential(baseUrl, apiKey, n8nApiCredentialId, port);
	return { apiKey, tableId, session };
}

module.exports = { provision, login, createApiKey, DEAD_LETTER_TABLE, DEAD_LETTER_COLUMNS };
