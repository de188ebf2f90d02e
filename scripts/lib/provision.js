'use strict';
/**
 * After n8n is up: the owner's login and a public-API key (kept in the user folder, re-created if
 * revoked) — what a user does in Settings → n8n API — then the README's setup steps (scripts/lib/install.js):
 * credentials, the sync workflow imported and published (it creates its Data Tables), and the optional
 * crash recovery with an n8n API credential.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const axios = require('axios');
const { setUpLikeAUser, DEAD_LETTER_TABLE } = require('./install');

const API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:update',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'credential:create',
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

async function provision({ baseUrl, userFolder, owner, credentials, recovery = true }) {
	const session = await login(baseUrl, owner);
	const apiKey = await ensureApiKey(baseUrl, session, userFolder);
	// without credentials: only the login and the API key (e.g. a benchmark of a hand-built workflow)
	const setup = credentials ? await setUpLikeAUser({ baseUrl, apiKey, userFolder, credentials, recovery }) : {};
	return { apiKey, session, ...setup };
}

module.exports = { provision, login, createApiKey, DEAD_LETTER_TABLE };
