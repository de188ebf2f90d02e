'use strict';
/**
 * The README's "Install into your own n8n" steps, done by a script — the ONE code path `npm start`,
 * `npm run start:queue`, the e2e stacks and the benchmarks use, so our box and a user's n8n cannot drift:
 *
 *   installLikeCommunityNodes(userFolder)  n8n's Community Nodes install: `npm pack` the package, extract it
 *                                          into <userFolder>/.n8n/nodes/node_modules/<name>, drop dev/peer/
 *                                          optional dependencies, `npm install --install-strategy=shallow
 *                                          --ignore-scripts`, record it in nodes/package.json (n8n stopped).
 *   setUpLikeAUser({ baseUrl, apiKey, … }) with n8n running, through n8n's public API as the editor would:
 *                                          create (or update) the Shopify and Klaviyo credentials, import
 *                                          the sync workflow (n8n gives it a new id), pick the credentials
 *                                          in its nodes, publish it, wait for its Data Tables; optionally the
 *                                          n8n API credential + the crash-recovery workflow.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const axios = require('axios');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;
const SYNC_FILE = 'shopify-to-klaviyo.json';
const RECOVERY_FILE = 'shopify-to-klaviyo-recovery.json';
const { DEAD_LETTER_TABLE, STATE_TABLE, SYNC_STATE_TABLE, BACKFILL_TABLE, tableNameClashes } = require('../../workflows/src/tables');

function log(msg) {
	process.stderr.write(`[install] ${msg}\n`);
}

/** n8n's community-package install of this package (built dist/) into a user folder. */
function installLikeCommunityNodes(userFolder) {
	if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
	try {
		const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		const tarball = path.join(tmp, JSON.parse(out)[0].filename);
		execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
		const nodesDir = path.join(userFolder, '.n8n', 'nodes');
		const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
		fs.rmSync(target, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.cpSync(path.join(tmp, 'package'), target, { recursive: true });
		const pkgFile = path.join(target, 'package.json');
		const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
		for (const k of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete pkg[k];
		fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
		execFileSync('npm', ['install', '--install-strategy=shallow', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], {
			cwd: target,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const nodesPkg = path.join(nodesDir, 'package.json');
		const record = fs.existsSync(nodesPkg) ? JSON.parse(fs.readFileSync(nodesPkg, 'utf8')) : { name: 'installed-nodes', private: true, dependencies: {} };
		record.dependencies = { ...(record.dependencies || {}), [PACKAGE_NAME]: pkg.version };
		fs.writeFileSync(nodesPkg, JSON.stringify(record, null, 2));
		return target;
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

/** The workflow file a user imports: the copy shipped inside the installed package. */
function shippedWorkflow(userFolder, file) {
	const inPackage = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME, 'dist', 'workflows', file);
	return JSON.parse(fs.readFileSync(fs.existsSync(inPackage) ? inPackage : path.join(ROOT, 'workflows', file), 'utf8'));
}

/** What the editor does when a user picks a credential in each node that needs that type. */
function pickCredentials(workflow, byType) {
	const nodes = workflow.nodes.map((n) => {
		if (!n.credentials) return n;
		const credentials = {};
		for (const [type, ref] of Object.entries(n.credentials)) credentials[type] = byType[type] ? { id: byType[type].id, name: byType[type].name } : ref;
		return { ...n, credentials };
	});
	return { ...workflow, nodes };
}

function client(baseUrl, apiKey) {
	const http = axios.create({ baseURL: `${baseUrl}/api/v1`, headers: { 'X-N8N-API-KEY': apiKey }, validateStatus: () => true });
	const call = async (method, url, data, params) => {
		const r = await http.request({ method, url, data: data === undefined && method !== 'get' ? {} : data, params });
		if (r.status >= 300) throw new Error(`n8n API ${method.toUpperCase()} ${url} → HTTP ${r.status}: ${JSON.stringify(r.data).slice(0, 500)}`);
		return r.data;
	};
	return call;
}

/** Create a credential, or update the one created last time (its id kept in the state file). */
async function ensureCredential(api, state, key, { name, type, data }) {
	const known = state.credentials[key];
	if (known) {
		try {
			await api('patch', `/credentials/${known.id}`, { name, type, data });
			return known;
		} catch (err) {
			log(`credential "${name}" could not be updated (${err.message.slice(0, 120)}): creating it again`);
		}
	}
	const created = await api('post', '/credentials', { name, type, data });
	state.credentials[key] = { id: created.id, name: created.name, type };
	return state.credentials[key];
}

/** Import (or re-import when the shipped file changed) one workflow, pick its credentials, publish it. */
async function ensureWorkflow(api, state, file, workflowJson, byType) {
	const hash = crypto.createHash('sha256').update(JSON.stringify(workflowJson)).digest('hex');
	const known = state.workflows[file];
	const body = (() => {
		const wf = pickCredentials(workflowJson, byType);
		return { name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings };
	})();
	let id = known && known.id;
	if (id) {
		const existing = await api('get', `/workflows/${id}`).catch(() => undefined);
		if (!existing) id = undefined;
	}
	if (id && known.hash === hash) {
		// unchanged shipped file: keep the user's edits; make sure it is published
		await api('post', `/workflows/${id}/activate`);
		return id;
	}
	if (id) {
		log(`updating workflow "${body.name}" (${id}): the shipped file changed`);
		await api('post', `/workflows/${id}/deactivate`).catch(() => undefined);
		await api('put', `/workflows/${id}`, body);
	} else {
		const created = await api('post', '/workflows', body);
		id = created.id;
		log(`imported workflow "${body.name}" → id ${id}`);
	}
	await api('post', `/workflows/${id}/activate`);
	state.workflows[file] = { id, hash };
	return id;
}

async function waitForTables(api, names, timeoutMs = 120000) {
	const start = Date.now();
	for (;;) {
		const list = await api('get', '/data-tables', undefined, { limit: 250 });
		const found = Object.fromEntries((list.data || []).filter((t) => names.includes(t.name)).map((t) => [t.name, t.id]));
		if (names.every((n) => found[n])) return found;
		if (Date.now() - start > timeoutMs) {
			const ex = await api('get', '/executions', undefined, { limit: 5, includeData: true }).catch(() => ({ data: [] }));
			const why = (ex.data || []).map((e) => `${e.id} ${e.status} ${(e.data && e.data.resultData && e.data.resultData.error && e.data.resultData.error.message) || ''}`).join('; ');
			throw new Error(`the sync workflow did not create its Data Tables (${names.join(', ')}) within ${timeoutMs / 1000} s (latest executions: ${why || 'none'})`);
		}
		await new Promise((r) => setTimeout(r, 300));
	}
}

/**
 * The user's steps in a running n8n. `credentials`: { shopify: {name, data}, klaviyo: {name, data} }.
 * `recovery`: also the optional crash recovery (n8n API credential + workflow). State (ids of what was
 * created) is kept in <userFolder>/sync-setup.json so a restart updates instead of duplicating.
 */
async function setUpLikeAUser({ baseUrl, apiKey, userFolder, credentials, recovery = true, n8nApiBaseUrl = `${baseUrl}/api/v1` }) {
	const api = client(baseUrl, apiKey);
	const stateFile = path.join(userFolder, 'sync-setup.json');
	const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
	state.credentials = state.credentials || {};
	state.workflows = state.workflows || {};
	try {
		// the workflow checks this on publish too; saying it before importing spares a half set-up
		const existing = await api('get', '/data-tables', undefined, { limit: 250 });
		const clashes = tableNameClashes((existing.data || []).map((t) => t.name), [DEAD_LETTER_TABLE, STATE_TABLE, SYNC_STATE_TABLE, BACKFILL_TABLE]);
		if (clashes.length) throw new Error(`rename these Data Tables first: ${clashes.join(', ')} — n8n selects a Data Table by name with a "contains" match, so the sync would read and write them instead of its own`);
		const shopify = await ensureCredential(api, state, 'shopify', { type: 'shopifyWebhookApi', ...credentials.shopify });
		const klaviyo = await ensureCredential(api, state, 'klaviyo', { type: 'klaviyoPrivateKeyApi', ...credentials.klaviyo });
		const syncWorkflowId = await ensureWorkflow(api, state, SYNC_FILE, shippedWorkflow(userFolder, SYNC_FILE), { shopifyWebhookApi: shopify, klaviyoPrivateKeyApi: klaviyo });
		const tables = await waitForTables(api, [DEAD_LETTER_TABLE, STATE_TABLE, SYNC_STATE_TABLE]);
		let recoveryWorkflowId;
		if (recovery) {
			const n8nApi = await ensureCredential(api, state, 'n8nApi', { type: 'n8nApi', name: 'n8n API (crash recovery)', data: { apiKey, baseUrl: n8nApiBaseUrl } });
			recoveryWorkflowId = await ensureWorkflow(api, state, RECOVERY_FILE, shippedWorkflow(userFolder, RECOVERY_FILE), { n8nApi });
		}
		return { syncWorkflowId, recoveryWorkflowId, tableId: tables[DEAD_LETTER_TABLE], stateTableId: tables[STATE_TABLE], syncStateTableId: tables[SYNC_STATE_TABLE], credentials: state.credentials };
	} finally {
		fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
	}
}

module.exports = { installLikeCommunityNodes, setUpLikeAUser, pickCredentials, shippedWorkflow, DEAD_LETTER_TABLE, STATE_TABLE, SYNC_STATE_TABLE, SYNC_FILE, RECOVERY_FILE };
