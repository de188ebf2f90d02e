'use strict';
/**
 * What `npm start` and `npm run start:queue` share: the build, the Klaviyo sandbox when no key is
 * given, n8n's environment for the user's folder, the import of changed workflows, provisioning and
 * the banner. Each script keeps only what its mode adds (queue mode: Redis and workers).
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const n8n = require('./n8n');
const { provision, DEAD_LETTER_TABLE } = require('./provision');
const settings = require('./settings');

const ROOT = n8n.ROOT;

function buildPackage(say) {
	say('building the package');
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');
}

/**
 * Without a Shopify Admin API token or URL: the local Shopify sandbox (the project's fake Shopify GraphQL
 * Admin API, in this process, seeded with a few demo orders and customers), so the sync's reconciliation
 * has a Shopify to read. Sets SHOPIFY_API_URL and a sandbox token for the Shopify credential.
 */
async function startShopifySandboxIfNeeded(cfg, say) {
	if (cfg.SHOPIFY_API_URL || cfg.SHOPIFY_API_KEY) return undefined;
	const port = Number(cfg.SHOPIFY_SANDBOX_PORT || 5681);
	const { createFakeShopify, seedDemoStore } = require(path.join(ROOT, 'test', 'fake-shopify', 'server.js'));
	const token = 'shpat_sandbox_local_fake_shopify';
	const fake = createFakeShopify({ accessToken: token, shop: cfg.SHOPIFY_SHOP_DOMAIN || 'demo-store.myshopify.com' });
	seedDemoStore(fake);
	const { url } = await fake.start(port);
	cfg.SHOPIFY_API_URL = url;
	cfg.SHOPIFY_API_KEY = token;
	say(`no Shopify Admin API token: the sync's reconciliation reads the local Shopify sandbox at ${url} (state: ${url}/__admin/summary)`);
	return fake;
}

/** Without a Klaviyo key or URL: the local Klaviyo sandbox (the project's fake Klaviyo), else undefined. */
async function startSandboxIfNeeded(cfg, say) {
	await startShopifySandboxIfNeeded(cfg, say); // in this process: it stops when npm start does
	if (cfg.KLAVIYO_API_URL || cfg.KLAVIYO_PRIVATE_API_KEY) return undefined;
	const sandboxPort = Number(cfg.KLAVIYO_SANDBOX_PORT || 5680);
	const { createFakeKlaviyo } = require(path.join(ROOT, 'test', 'fake-klaviyo', 'server.js'));
	const sandbox = createFakeKlaviyo({ rateLimits: true });
	const { url } = await sandbox.start(sandboxPort);
	cfg.KLAVIYO_API_URL = url;
	say(`no Klaviyo key: using the local Klaviyo sandbox at ${url} (state: ${url}/__admin/summary)`);
	return sandbox;
}

/** n8n's own settings given in .env (N8N_*, EXECUTIONS_*, DB_*, QUEUE_*) reach n8n like exported ones. */
function n8nSettingsFrom(cfg) {
	// N8N_OWNER_* are this project's (the owner login), not n8n's: the password stays out of n8n's env.
	// N8N_USER_FOLDER and N8N_LISTEN_ADDRESS come resolved from settings.forStart (userEnv); an empty
	// value (`N8N_X=` in .env) means "not set", not "set to nothing".
	return Object.fromEntries(
		Object.entries(cfg).filter(
			([k, v]) => /^(N8N_|EXECUTIONS_|DB_|QUEUE_)/.test(k) && v !== '' && !k.startsWith('N8N_OWNER_') && k !== 'N8N_USER_FOLDER' && k !== 'N8N_DATA_DIR',
		),
	);
}

/**
 * n8n's environment for the user's folder. `start`: what settings.forStart(cfg) resolved (user folder,
 * port, listen address, owner login, webhook URL).
 */
function userEnv({ runtime, cfg, start, extra = {} }) {
	return n8n.n8nEnv({
		runtime,
		userFolder: start.userFolder,
		port: start.port,
		encryptionKey: settings.encryptionKeyFor({ cfg, userFolder: start.userFolder }),
		owner: start.owner,
		extra: {
			...n8nSettingsFrom(cfg),
			// n8n's isolated expression engine, but an isolate only for executions that evaluate an
			// expression: the sync evaluates none, and an isolate per execution costs about half of
			// n8n's throughput on 2 cores (bench/RESULTS.md). Set it to false in .env to get n8n's default.
			N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: cfg.N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE || 'true',
			N8N_LISTEN_ADDRESS: start.listenAddress,
			...(start.webhookUrl ? { N8N_WEBHOOK_URL: start.webhookUrl } : {}),
			...extra,
		},
	});
}

/** n8n stopped: the package installed the way n8n's Community Nodes panel installs it. */
async function prepareUserFolder({ start, say }) {
	const { userFolder } = start;
	say(`installing the package into ${userFolder}/.n8n/nodes the way n8n's Community Nodes install does`);
	await n8n.prepare({ userFolder });
}

/**
 * Once n8n answers: the README's steps (owner login + API key, credentials, the sync workflow imported
 * and published, the optional crash recovery), then wait for the Shopify webhook.
 */
async function provisionRunning({ cfg, start, child }) {
	const { userFolder, port } = start;
	const result = await provision({
		baseUrl: `http://127.0.0.1:${port}`,
		userFolder,
		owner: start.owner,
		credentials: n8n.credentialsFromEnv(cfg),
	});
	await n8n.waitReady(port, { child, webhookPath: 'shopify' });
	return result;
}

/** How the owner logs in: the generated password is printed once (the start that created it), else where it is. */
function passwordLine(owner) {
	if (owner.source === 'N8N_OWNER_PASSWORD') return '(N8N_OWNER_PASSWORD)';
	if (owner.source === 'generated') return `${owner.password}   (generated; kept in ${owner.file}, shown only this once)`;
	return `(password in ${owner.file})`;
}

function printBanner({ title, cfg, start, sandbox, extraLines = [] }) {
	const { port, owner, listenAddress } = start;
	const base = `http://localhost:${port}`;
	const hooks = start.webhookUrl ? start.webhookUrl.replace(/\/*$/, '/') : `${base}/`;
	const lines = [
		'',
		`  ${title}`,
		`  Editor:               ${base}/`,
		`  Listening on:         ${listenAddress}:${port}${settings.isLoopbackHost(listenAddress) ? '  (this machine only; see README "Exposing the webhook URL")' : ''}`,
		`  Log in as:            ${owner.email} / ${passwordLine(owner)}`,
		`  User folder:          ${start.userFolder}`,
		`  Shopify webhook URL:  ${hooks}webhook/shopify`,
		`  Klaviyo:              ${cfg.KLAVIYO_API_URL || 'https://a.klaviyo.com'}${sandbox ? '  (local sandbox)' : ''}`,
		`  Shopify Admin API:    ${cfg.SHOPIFY_API_URL || `https://${cfg.SHOPIFY_SHOP_DOMAIN || 'demo-store.myshopify.com'}`}${cfg.SHOPIFY_API_KEY === 'shpat_sandbox_local_fake_shopify' ? '  (local sandbox, read by the reconciliation every 15 min)' : ''}`,
		...extraLines,
		`  Dead letters:         Data Table "${DEAD_LETTER_TABLE}" (Overview → Data tables); replay: npm run replay`,
		'  Try it:               npm run demo   (in a second terminal)',
		'  Stop:                 Ctrl-C',
		'',
	];
	process.stderr.write(lines.join('\n') + '\n');
}

module.exports = { buildPackage, startSandboxIfNeeded, startShopifySandboxIfNeeded, userEnv, prepareUserFolder, provisionRunning, printBanner };
