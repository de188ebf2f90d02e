'use strict';
/**
 * Running the pinned n8n headless with this package loaded: user folder, package install,
 * credentials, workflows, publish, start, readiness. Shared by `npm start`, the e2e tests,
 * the demo and the benchmarks so they all run n8n the same way.
 */
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { spawn, execFileSync } = require('node:child_process');
const { ensureRuntime, ROOT, RUNTIME_DIR } = require('./runtime');
const settings = require('./settings');

const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;
/** The owner's name and default email. No default password: see scripts/lib/settings.js (ensureOwnerPassword). */
const DEFAULT_OWNER = { email: settings.DEFAULT_OWNER_EMAIL, firstName: 'Admin', lastName: 'User' };


function log(msg) {
	process.stderr.write(`[n8n] ${msg}\n`);
}

function bcryptHash(nodeBin, password) {
	const bcrypt = path.join(RUNTIME_DIR, 'node_modules', 'bcryptjs');
	// the password goes through stdin, not the command line (which `ps` shows to every user)
	return execFileSync(nodeBin, ['-e', `process.stdout.write(require(${JSON.stringify(bcrypt)}).hashSync(require('fs').readFileSync(0, 'utf8'), 10))`], {
		encoding: 'utf8',
		input: password,
	});
}

/**
 * Environment for an n8n process with its own user folder (SQLite), owner, and no phoning home.
 * `owner`: { email, password } (scripts/lib/settings.js: N8N_OWNER_PASSWORD or the folder's generated one).
 */
function n8nEnv({ runtime, userFolder, port, encryptionKey, owner, extra = {} }) {
	if (!owner || !owner.password) throw new Error('n8nEnv: an owner password is required (settings.ensureOwnerPassword)');
	owner = { ...DEFAULT_OWNER, ...owner };
	const env = { ...process.env };
	delete env.N8N_OWNER_PASSWORD; // this project's setting, not n8n's: no secret in n8n's environment ($env)
	// never leak the host's Node 20 into n8n's children (task runner)
	env.PATH = `${path.dirname(runtime.nodeBin)}${path.delimiter}${process.env.PATH}`;
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: extra.N8N_LISTEN_ADDRESS || settings.DEFAULT_LISTEN_ADDRESS,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(Number(port) + 10001),
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(runtime.nodeBin, owner.password),
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		NODE_ENV: 'production',
		GENERIC_TIMEZONE: process.env.GENERIC_TIMEZONE || 'UTC',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
	});
	Object.assign(env, extra);
	return env;
}

/** Stable per-folder encryption key (settings.encryptionKeyFor: n8n's own in .n8n/config, else generated once). */
function encryptionKeyFor(userFolder) {
	return settings.encryptionKeyFor({ userFolder });
}

/** n8n's Community Nodes install of the built package (scripts/lib/install.js). */
function installPackage(userFolder) {
	return require('./install').installLikeCommunityNodes(userFolder);
}

/** Run one n8n CLI command to completion (n8n must not be running on the same database for some). */
function cli(runtime, env, args, { quiet = true } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (b) => {
			out += b;
			if (!quiet) process.stderr.write(b);
		});
		child.stderr.on('data', (b) => {
			out += b;
			if (!quiet) process.stderr.write(b);
		});
		child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`n8n ${args[0]} failed (exit ${code}):\n${out.slice(-4000)}`))));
	});
}

function httpGet(url, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: timeoutMs }, (res) => {
			let body = '';
			res.on('data', (c) => (body += c));
			res.on('end', () => resolve({ status: res.statusCode, body }));
		});
		req.on('error', () => resolve({ status: 0, body: '' }));
		req.on('timeout', () => {
			req.destroy();
			resolve({ status: 0, body: '' });
		});
	});
}

async function waitFor(fn, { timeoutMs = 120000, intervalMs = 250, what = 'condition' } = {}) {
	const start = Date.now();
	for (;;) {
		if (await fn()) return;
		if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** Readiness = /healthz/readiness 200 and (optionally) a production webhook answering. */
async function waitReady(port, { webhookPath, timeoutMs = 180000, child } = {}) {
	await waitFor(
		async () => {
			if (child && child.exitCode !== null) throw new Error(`n8n exited early with code ${child.exitCode}`);
			return (await httpGet(`http://127.0.0.1:${port}/healthz/readiness`)).status === 200;
		},
		{ timeoutMs, what: `n8n readiness on port ${port}` },
	);
	if (webhookPath) {
		await waitFor(
			async () => {
				if (child && child.exitCode !== null) throw new Error(`n8n exited early with code ${child.exitCode}`);
				// a GET on a registered POST-only webhook answers "…Did you mean to make a POST request?"
				const r = await httpGet(`http://127.0.0.1:${port}/webhook/${webhookPath}`);
				return (r.status !== 404 && r.status !== 0) || /POST request/.test(r.body);
			},
			{ timeoutMs: 60000, what: `webhook /webhook/${webhookPath} to be registered` },
		);
	}
}

/**
 * The two credentials a user creates in the editor, from .env (`cfg`): { shopify, klaviyo }, each
 * { name, data } as n8n's credentials API takes them.
 */
function credentialsFromEnv(env) {
	return {
		shopify: {
			name: 'Shopify account',
			data: {
				shopDomain: env.SHOPIFY_SHOP_DOMAIN || 'demo-store.myshopify.com',
				accessToken: env.SHOPIFY_API_KEY || '',
				// the public demo secret only for the sandbox on loopback (settings.checkWebhookSecret refuses otherwise)
				webhookSecret: env.SHOPIFY_WEBHOOK_SECRET || settings.DEMO_WEBHOOK_SECRET,
				previousWebhookSecret: env.SHOPIFY_PREVIOUS_WEBHOOK_SECRET || '',
				apiVersion: env.SHOPIFY_API_VERSION || '2026-10',
				apiUrl: env.SHOPIFY_API_URL || '',
			},
		},
		klaviyo: {
			name: 'Klaviyo account',
			data: {
				privateKey: env.KLAVIYO_PRIVATE_API_KEY || 'pk_sandbox_local_fake_klaviyo',
				revision: env.KLAVIYO_API_REVISION || '2026-07-15',
				baseUrl: env.KLAVIYO_API_URL || 'https://a.klaviyo.com',
				// queue mode: how many workers pace to a share of the account's limits (npm run start:queue sets N8N_WORKERS)
				processesSharingLimits: Math.max(1, Math.floor(Number(env.KLAVIYO_PROCESSES_SHARING_LIMITS)) || 1),
			},
		},
	};
}

/** Prepare a user folder with n8n stopped: the package installed the way n8n's Community Nodes panel does. */
async function prepare({ userFolder }) {
	installPackage(userFolder);
}

/** Start n8n (`n8n start`, or `n8n worker` etc. via args). Returns the child process. */
function startProcess({ runtime, env, args = ['start'], stdio = 'inherit', logFile }) {
	let out = stdio;
	if (logFile) {
		const fd = fs.openSync(logFile, 'a');
		out = ['ignore', fd, fd];
	}
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], { env, stdio: out, detached: false });
	return child;
}

function stopProcess(child, { timeoutMs = 20000 } = {}) {
	return new Promise((resolve) => {
		if (!child || child.exitCode !== null || child.signalCode) return resolve();
		const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('exit', () => {
			clearTimeout(t);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

module.exports = {
	ensureRuntime,
	n8nEnv,
	encryptionKeyFor,
	installPackage,
	cli,
	prepare,
	startProcess,
	stopProcess,
	waitReady,
	waitFor,
	httpGet,
	credentialsFromEnv,
	DEFAULT_OWNER,
	PACKAGE_NAME,
	ROOT,
};
