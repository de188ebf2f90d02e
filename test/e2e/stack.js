'use strict';
/**
 * A whole local stack for end-to-end tests, the demo and benchmarks: the project's fake Klaviyo
 * (child process) + the pinned n8n with this package, credentials pointing at the fake, the shipped
 * workflows imported exactly as they are in workflows/ and the sync + dead-letter workflows published.
 * With `mode: 'queue'`: also a private Redis and n8n workers (n8n's queue mode), see startStack().
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const n8n = require('../../scripts/lib/n8n');
const { provision } = require('../../scripts/lib/provision');
const queue = require('../../scripts/lib/queue');
const settings = require('../../scripts/lib/settings');

const ROOT = n8n.ROOT;
const STATE_DIR = path.join(ROOT, '.e2e');
const WEBHOOK_SECRET = 'e2e-shopify-signing-secret';
const KLAVIYO_KEY = 'pk_e2e_0123456789abcdef';
const SHOP = 'e2e-store.myshopify.com';

function log(msg) {
	process.stderr.write(`[stack] ${msg}\n`);
}

async function startFakeKlaviyo({ port, args = [], logFile }) {
	// a leftover server on the port would answer the readiness check below in place of ours
	if ((await n8n.httpGet(`http://127.0.0.1:${port}/__admin/state`)).status !== 0) {
		throw new Error(`port ${port} is already in use (a fake Klaviyo left from an earlier run?): stop it or pick another port`);
	}
	const fd = fs.openSync(logFile, 'a');
	const child = spawn(
		process.execPath,
		[path.join(ROOT, 'test', 'fake-klaviyo', 'cli.js'), '--port', String(port), '--accept-key-env', 'FAKE_KLAVIYO_ACCEPT_KEY', ...args],
		{ stdio: ['ignore', fd, fd], env: { ...process.env, FAKE_KLAVIYO_ACCEPT_KEY: KLAVIYO_KEY } },
	);
	const url = `http://127.0.0.1:${port}`;
	await n8n.waitFor(
		async () => {
			if (child.exitCode !== null) throw new Error(`fake Klaviyo exited (${child.exitCode}); see ${logFile}`);
			return (await n8n.httpGet(`${url}/__admin/state`)).status === 200;
		},
		{ timeoutMs: 20000, what: 'fake Klaviyo' },
	);
	return { child, url };
}

/**
 * Start the whole stack; returns { info, stop() }. info is also written to .e2e/<name>.json for the tests.
 *
 * @param {object} o
 * @param {string} [o.name] state folder .e2e/<name>/ (n8n user folder, logs) and .e2e/<name>.json
 * @param {number} o.port n8n (main) port
 * @param {number} o.klaviyoPort fake Klaviyo port
 * @param {string[]} [o.klaviyoArgs] extra CLI flags for the fake
 * @param {object} [o.n8nEnv] extra env for n8n main and workers
 * @param {'main'|'queue'} [o.mode] 'queue': Redis + n8n main with EXECUTIONS_MODE=queue + `workers` n8n workers
 * @param {number} [o.workers] queue mode: number of `n8n worker` processes (default 2)
 * @param {number} [o.redisPort] queue mode: port of the private redis-server (default port + 690, e.g. 5700 → 6390)
 * @param {number} [o.workerBasePort] queue mode: worker i gets task-runner broker port workerBasePort + 2(i-1)
 *   and health port workerBasePort + 2(i-1) + 1 (default port + 2)
 * @param {number} [o.workerConcurrency] queue mode: jobs per worker (n8n's default 10)
 * @param {boolean} [o.workflows] set up the sync workflow as the README says (default true)
 * @param {boolean} [o.recovery] also the optional crash recovery (n8n API credential + workflow; default true)
 *
 * Queue mode, e.g. for a benchmark: `startStack({ name: 'bench-q', port: 5750, klaviyoPort: 5751, mode: 'queue', workers: 2 })`;
 * info.mode, info.workers ([{ index, pid, healthPort, logFile }]) and info.redisPort describe it.
 */
async function startStack({
	name = 'e2e',
	port = 5700,
	klaviyoPort = 5701,
	klaviyoArgs = [],
	n8nEnv = {},
	workflows = true,
	mode = 'main',
	workers = 2,
	redisPort = port + 690,
	workerBasePort = port + 2,
	workerConcurrency = 10,
	recovery = true,
} = {}) {
	const dir = path.join(STATE_DIR, name);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const runtime = await n8n.ensureRuntime();
	if ((await n8n.httpGet(`http://127.0.0.1:${port}/healthz`)).status !== 0) {
		throw new Error(`port ${port} is already in use (an n8n left from an earlier run?): stop it or pick another port`);
	}
	const t0 = Date.now();
	const started = []; // { what, stop } newest last: stopped in reverse order, also when starting fails
	const stopAll = async () => {
		while (started.length) {
			const s = started.pop();
			try {
				await s.stop();
			} catch (err) {
				log(`stopping ${s.what}: ${err.message}`);
			}
		}
	};
	try {
		const klaviyo = await startFakeKlaviyo({ port: klaviyoPort, args: klaviyoArgs, logFile: path.join(dir, 'fake-klaviyo.log') });
		started.push({ what: 'fake Klaviyo', stop: () => n8n.stopProcess(klaviyo.child, { timeoutMs: 5000 }) });
		log(`fake Klaviyo on ${klaviyo.url}`);
		let redis;
		let extraEnv = {};
		if (mode === 'queue') {
			redis = await queue.startRedis({ port: redisPort, dir: path.join(dir, 'redis'), logFile: path.join(dir, 'redis.log') });
			started.push({ what: 'redis', stop: redis.stop });
			log(`redis on 127.0.0.1:${redisPort}`);
			extraEnv = queue.queueEnv({ redisPort });
		} else if (mode !== 'main') {
			throw new Error(`unknown mode "${mode}" (main or queue)`);
		}
		const userFolder = path.join(dir, 'n8n');
		// npm start's settings (scripts/lib/settings.js) for this folder: loopback only, a random owner
		// password kept in <userFolder>/owner-password (mode 0600), the folder's encryption key
		const owner = { email: settings.DEFAULT_OWNER_EMAIL, ...settings.ensureOwnerPassword({ userFolder }) };
		const env = n8n.n8nEnv({
			runtime,
			userFolder,
			port,
			owner,
			encryptionKey: settings.encryptionKeyFor({ userFolder }),
			// the recovery workflow's Klaviyo retry budget, shortened so the worker-kill test need not wait 10 min
			extra: { N8N_LOG_LEVEL: 'warn', SHOPIFY_KLAVIYO_RETRY_BUDGET_SECONDS: '60', ...extraEnv, ...n8nEnv },
		});
		const cfg = {
			SHOPIFY_SHOP_DOMAIN: SHOP,
			SHOPIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
			KLAVIYO_PRIVATE_API_KEY: KLAVIYO_KEY,
			KLAVIYO_API_URL: klaviyo.url,
		};
		// the README's steps, as npm start does them (scripts/lib/install.js): the package installed the
		// way n8n's Community Nodes panel does, then (n8n running) credentials, workflow import, publish
		await n8n.prepare({ userFolder });
		const logFile = path.join(dir, 'n8n.log');
		const child = n8n.startProcess({ runtime, env, logFile });
		started.push({ what: 'n8n', stop: () => n8n.stopProcess(child) });
		await n8n.waitReady(port, { child });
		const workerProcs = [];
		if (mode === 'queue') {
			// after main: it has migrated the database the workers share. Workers log at info level
			// (one line per job started / finished) into .e2e/<name>/worker-<i>.log
			const ws = await Promise.all(
				Array.from({ length: workers }, (_, i) =>
					queue
						.startWorker({ runtime, env: { ...env, N8N_LOG_LEVEL: n8nEnv.N8N_LOG_LEVEL || 'info' }, index: i + 1, basePort: workerBasePort, concurrency: workerConcurrency, logFile: path.join(dir, `worker-${i + 1}.log`) })
						.then((w) => {
							started.push({ what: `worker ${w.index}`, stop: () => n8n.stopProcess(w.child) }); // stopped first
							return w;
						}),
				),
			);
			workerProcs.push(...ws);
			log(`${ws.length} n8n worker(s) ready (health ports ${ws.map((w) => w.healthPort).join(', ')})`);
		}
		const baseUrl = `http://127.0.0.1:${port}`;
		const setup = await provision({ baseUrl, userFolder, owner, credentials: workflows ? n8n.credentialsFromEnv(cfg) : undefined, recovery });
		if (workflows) await n8n.waitReady(port, { child, webhookPath: 'shopify' });
		const { apiKey, session, tableId, stateTableId, syncWorkflowId, recoveryWorkflowId, credentials } = setup;
		const { cookie, browserId } = session;
		log(`n8n ${mode === 'queue' ? `(queue mode, ${workerProcs.length} workers) ` : ''}ready on ${baseUrl} in ${Math.round((Date.now() - t0) / 1000)}s (log: ${path.relative(ROOT, logFile)})`);
		const info = {
			name,
			mode,
			baseUrl,
			webhookUrl: `${baseUrl}/webhook/shopify`,
			klaviyoUrl: klaviyo.url,
			apiKey,
			tableId,
			stateTableId,
			syncWorkflowId,
			recoveryWorkflowId,
			credentials,
			cookie,
			browserId,
			secret: WEBHOOK_SECRET,
			shop: SHOP,
			klaviyoKey: KLAVIYO_KEY,
			pids: { n8n: child.pid, klaviyo: klaviyo.child.pid, ...(redis ? { redis: redis.child.pid } : {}) },
			workers: workerProcs.map((w) => ({ index: w.index, pid: w.child.pid, healthPort: w.healthPort, logFile: w.logFile })),
			redisPort: redis ? redisPort : undefined,
			logFile,
			userFolder,
		};
		fs.writeFileSync(path.join(STATE_DIR, `${name}.json`), JSON.stringify(info, null, 2));
		return { info, stop: stopAll };
	} catch (err) {
		log(`starting the stack failed: ${err.message}; stopping what was started`);
		await stopAll();
		throw err;
	}
}

function readStackInfo(name = 'e2e') {
	return JSON.parse(fs.readFileSync(path.join(STATE_DIR, `${name}.json`), 'utf8'));
}

module.exports = { startStack, readStackInfo, WEBHOOK_SECRET, KLAVIYO_KEY, SHOP, STATE_DIR };
