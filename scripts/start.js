#!/usr/bin/env node
'use strict';
/**
 * npm start: build the package, install the pinned n8n on first use, and run n8n in the foreground
 * on 127.0.0.1:N8N_PORT (default 5678; N8N_LISTEN_ADDRESS to change) with SQLite in the user folder
 * (N8N_USER_FOLDER, default .n8n-data/), this package loaded, both credentials created from .env / the
 * environment, the workflows in workflows/ imported and the sync published. Settings are resolved, and
 * unsafe ones refused, in scripts/lib/settings.js.
 *
 * Without a Klaviyo key (and no KLAVIYO_API_URL) it starts the local Klaviyo sandbox (the project's
 * fake Klaviyo) on KLAVIYO_SANDBOX_PORT (default 5680) and points the Klaviyo credential at it.
 */
const path = require('node:path');
const n8n = require('./lib/n8n');
const { loadEnv } = require('./lib/env');
const launch = require('./lib/launch');
const settings = require('./lib/settings');

const ROOT = n8n.ROOT;

function say(msg) {
	process.stderr.write(`[start] ${msg}\n`);
}

async function main() {
	const { env: cfg, file } = loadEnv(ROOT);
	say(file ? `reading ${path.relative(ROOT, file)} (command-line variables win)` : 'no .env found: using defaults and the local Klaviyo sandbox');
	const start = settings.forStart(cfg); // refuses unsafe settings before anything starts
	const { port } = start;

	launch.buildPackage(say);
	const runtime = await n8n.ensureRuntime();
	const sandbox = await launch.startSandboxIfNeeded(cfg, say);
	const env = launch.userEnv({ runtime, cfg, start });
	await launch.prepareUserFolder({ start, say });

	say(`starting n8n 2.41.1 on ${start.listenAddress}:${port} (user folder ${start.userFolder})`);
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

	await n8n.waitReady(port, { child });
	await launch.provisionRunning({ cfg, start, child });
	launch.printBanner({ title: 'n8n-nodes-shopify-klaviyo is running', cfg, start, sandbox });
}

main().catch((err) => {
	say(`ERROR: ${err.message}`);
	process.exit(1);
});
