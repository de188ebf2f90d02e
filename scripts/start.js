#!/usr/bin/env node
'use strict';
/**
 * npm start: build the package, install the pinned n8n on first use, and run n8n in the foreground
 * on N8N_PORT (default 5678) with SQLite in .n8n-data/, this package loaded, both credentials created
 * from .env / the environment, the workflows in workflows/ imported and the sync published.
 *
 * Without a Klaviyo key (and no KLAVIYO_API_URL) it starts the local Klaviyo sandbox (the project's
 * fake Klaviyo) on KLAVIYO_SANDBOX_PORT (default 5680) and points the Klaviyo credential at it.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync, spawn } = require('node:child_process');
const n8n = require('./lib/n8n');
const { loadEnv } = require('./lib/env');
const { provision, DEAD_LETTER_TABLE } = require('./lib/provision');

const ROOT = n8n.ROOT;
const SYNC_WORKFLOW_FILE = path.join(ROOT, 'workflows', 'shopify-to-klaviyo.json');

function say(msg) {
	process.stderr.write(`[start] ${msg}\n`);
}

function fileHash(p) {
	return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

/** Workflows whose shipped file changed since the last import (so editor edits survive restarts). */
function workflowsToImport(userFolder) {
	const dir = path.join(ROOT, 'workflows');
	const stateFile = path.join(userFolder, 'imported-workflows.json');
	const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
	const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
	const changed = files.filter((f) => state[f] !== fileHash(path.join(dir, f)));
	return {
		changed,
		save() {
			const next = {};
			for (const f of files) next[f] = fileHash(path.join(dir, f));
			fs.writeFileSync(stateFile, JSON.stringify(next, null, 2));
		},
	};
}

async function main() {
	const { env: cfg, file } = loadEnv(ROOT);
	say(file ? `reading ${path.relative(ROOT, file)} (command-line variables win)` : 'no .env found: using defaults and the local Klaviyo sandbox');
	const port = Number(cfg.N8N_PORT || 5678);
	const userFolder = path.resolve(ROOT, cfg.N8N_DATA_DIR || '.n8n-data');

	say('building the package');
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');

	const runtime = await n8n.ensureRuntime();

	// Klaviyo: real account, a URL given by the user, or the local sandbox.
	let sandbox;
	if (!cfg.KLAVIYO_API_URL && !cfg.KLAVIYO_PRIVATE_API_KEY) {
		const sandboxPort = Number(cfg.KLAVIYO_SANDBOX_PORT || 5680);
		const { createFakeKlaviyo } = require(path.join(ROOT, 'test', 'fake-klaviyo', 'server.js'));
		sandbox = createFakeKlaviyo({ rateLimits: true });
		const { url } = await sandbox.start(sandboxPort);
		cfg.KLAVIYO_API_URL = url;
		say(`no Klaviyo key: using the local Klaviyo sandbox at ${url} (state: ${url}/__admin/summary)`);
	}

	const env = n8n.n8nEnv({
		runtime,
		userFolder,
		port,
		encryptionKey: cfg.N8N_ENCRYPTION_KEY || n8n.encryptionKeyFor(userFolder),
		owner: {
			...n8n.DEFAULT_OWNER,
			email: cfg.N8N_OWNER_EMAIL || n8n.DEFAULT_OWNER.email,
			password: cfg.N8N_OWNER_PASSWORD || n8n.DEFAULT_OWNER.password,
		},
		extra: {
			N8N_LISTEN_ADDRESS: cfg.N8N_LISTEN_ADDRESS || '0.0.0.0',
			...(cfg.N8N_WEBHOOK_URL ? { N8N_WEBHOOK_URL: cfg.N8N_WEBHOOK_URL } : {}),
		},
	});

	const imports = workflowsToImport(userFolder);
	const publish = [];
	if (imports.changed.length) {
		if (fs.existsSync(SYNC_WORKFLOW_FILE)) publish.push(n8n.IDS.syncWorkflow);
		if (fs.existsSync(path.join(ROOT, 'workflows', 'klaviyo-dead-letter.json'))) publish.push(n8n.IDS.deadLetterWorkflow);
		if (fs.existsSync(path.join(ROOT, 'workflows', 'klaviyo-dead-letter-replay.json'))) publish.push(n8n.IDS.replayWorkflow);
	}
	say(`preparing n8n in ${path.relative(ROOT, userFolder)}/ (package, credentials${imports.changed.length ? `, ${imports.changed.length} workflow(s)` : ''})`);
	await n8n.prepare({
		runtime,
		env,
		userFolder,
		credentials: n8n.credentialsFromEnv(cfg, { userFolder, port }),
		workflowsDir: imports.changed.length ? path.join(ROOT, 'workflows') : path.join(userFolder, 'no-workflows'),
		publish,
	});
	imports.save();

	say(`starting n8n 2.41.1 on port ${port}`);
	const child = n8n.startProcess({ runtime, env, stdio: 'inherit' });
	let stopping = false;
	const stop = async (signal) => {
		if (stopping) return;
		stopping = true;
		say(`${signal}: stopping n8n${sandbox ? ' and the Klaviyo sandbox' : ''}`);
		await n8n.stopProcess(child);
		if (sandbox) await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	child.on('exit', async (code, signal) => {
		if (stopping) return;
		say(`n8n exited (${signal || code})`);
		if (sandbox) await sandbox.stop();
		process.exit(code || 1);
	});

	await n8n.waitReady(port, { child, webhookPath: fs.existsSync(SYNC_WORKFLOW_FILE) ? 'shopify' : undefined });
	const base = `http://localhost:${port}`;
	await provision({
		baseUrl: `http://127.0.0.1:${port}`,
		port,
		userFolder,
		owner: { email: env.N8N_INSTANCE_OWNER_EMAIL, password: cfg.N8N_OWNER_PASSWORD || n8n.DEFAULT_OWNER.password },
		n8nApiCredentialId: n8n.IDS.n8nApiCredential,
	});
	const lines = [
		'',
		'  n8n-nodes-shopify-klaviyo is running',
		`  Editor:               ${base}/`,
		`  Log in as:            ${env.N8N_INSTANCE_OWNER_EMAIL} / ${cfg.N8N_OWNER_PASSWORD ? '(N8N_OWNER_PASSWORD)' : n8n.DEFAULT_OWNER.password}`,
		`  Shopify webhook URL:  ${base}/webhook/shopify`,
		`  Klaviyo:              ${cfg.KLAVIYO_API_URL || 'https://a.klaviyo.com'}${sandbox ? '  (local sandbox)' : ''}`,
		`  Dead letters:         Data Table "${DEAD_LETTER_TABLE}" (Overview → Data tables); replay: npm run replay`,
		'  Try it:               npm run demo   (in a second terminal)',
		'  Stop:                 Ctrl-C',
		'',
	];
	process.stderr.write(lines.join('\n') + '\n');
}

main().catch((err) => {
	say(`ERROR: ${err.message}`);
	process.exit(1);
});
