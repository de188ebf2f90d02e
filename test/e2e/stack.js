'use strict';
/**
 * A whole local stack for end-to-end tests, the demo and benchmarks: the project's fake Klaviyo
 * (child process) + the pinned n8n with this package, credentials pointing at the fake, the shipped
 * workflows imported exactly as they are in workflows/ and the sync + dead-letter workflows published.
 * With `mode: 'queue'`: also a private Redis, PostgreSQL and n8n workers (n8n's queue mode), see startStack().
 * restartMain(info) / stopRedis(info) / startRedis(info) act on a running stack from any process (a test).
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const n8n = require('../../scripts/lib/n8n');
const { provision, login } = require('../../scripts/lib/provision');
const queue = require('../../scripts/lib/queue');
const settings = require('../../scripts/lib/settings');
const postgres = require('../../scripts/lib/postgres');

const ROOT = n8n.ROOT;
const STATE_DIR = path.join(ROOT, '.e2e');
const WEBHOOK_SECRET = 'e2e-shopify-signing-secret';
const KLAVIYO_KEY = 'pk_e2e_0123456789abcdef';
const SHOP = 'e2e-store.myshopify.com';
const SHOPIFY_TOKEN = 'shpat_e2e_fake_shopify_token';

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
 * n8n main's environment (workers add their ports to it) and its owner: the same at start and at
 * restartMain() (the owner password and encryption key are kept in the user folder).
 */
function mainEnv({ runtime, userFolder, port, extraEnv, n8nEnv }) {
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
	return { env, owner };
}

/**
 * Start the whole stack; returns { info, stop() }. info is also written to .e2e/<name>.json for the tests.
 *
 * @param {object} o
 * @param {string} [o.name] state folder .e2e/<name>/ (n8n user folder, logs) and .e2e/<name>.json
 * @param {number} o.port n8n (main) port
 * @param {number} o.klaviyoPort fake Klaviyo port
 * @param {number} [o.shopifyPort] the fake Shopify Admin GraphQL API (in this process) the reconciliation
 *   reads (default port + 8)
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
 * @param {'sqlite'|'postgres'} [o.db] n8n's database: default 'postgres' in queue mode (what n8n supports
 *   there: a private cluster in .e2e/<name>/postgres, scripts/lib/postgres.js), 'sqlite' in main mode
 * @param {number} [o.postgresPort] port of that cluster (default port + 31, e.g. 5710 → 5741)
 * @param {number} [o.klaviyoShare] the Klaviyo credential's "Processes Sharing the Limits" (default: the
 *   number of workers in queue mode, 1 in main mode)
 * @param {{url: string, token: string}} [o.shopify] a (fake) Shopify Admin API for the Shopify credential
 *   (SHOPIFY_API_URL + Admin API token), e.g. test/fake-shopify started by the test; overrides the default
 *   fake Shopify on shopifyPort (which is then not started)
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
	db = mode === 'queue' ? 'postgres' : 'sqlite',
	postgresPort = port + 31,
	klaviyoShare = mode === 'queue' ? workers : 1,
	shopifyPort = port + 8,
	shopify: shopifyOption,
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
		// the Shopify Admin API of the Shopify credential: the caller's (o.shopify, e.g. a fake the test
		// started and fills) or, by default, a fake Shopify in this process on shopifyPort
		let shopify = shopifyOption;
		if (!shopify) {
			const { createFakeShopify } = require('../fake-shopify/server');
			const fake = createFakeShopify({ accessToken: SHOPIFY_TOKEN, shop: SHOP });
			await fake.start(shopifyPort);
			started.push({ what: 'fake Shopify', stop: () => fake.stop() });
			log(`fake Shopify on ${fake.url}`);
			shopify = { url: fake.url, token: SHOPIFY_TOKEN };
		}
		let redis;
		let extraEnv = {};
		if (db === 'postgres') {
			const cluster = await postgres.startCluster({ dir: path.join(dir, 'postgres'), port: postgresPort, say: log });
			started.push({ what: 'postgres', stop: cluster.stop });
			log(`PostgreSQL on 127.0.0.1:${postgresPort} (${cluster.dataDir})`);
			extraEnv = { ...cluster.env };
		} else if (db !== 'sqlite') {
			throw new Error(`unknown db "${db}" (sqlite or postgres)`);
		}
		if (mode === 'queue') {
			redis = await queue.startRedis({ port: redisPort, dir: path.join(dir, 'redis'), logFile: path.join(dir, 'redis.log') });
			// stops the Redis of the info file too: a test may have restarted it (startRedis(info) below)
			started.push({ what: 'redis', stop: async () => (await redis.stop(), stopRecorded(name, 'redis', redis.child.pid)) });
			log(`redis on 127.0.0.1:${redisPort}`);
			Object.assign(extraEnv, queue.queueEnv({ redisPort, sqlite: db === 'sqlite' }));
		} else if (mode !== 'main') {
			throw new Error(`unknown mode "${mode}" (main or queue)`);
		}
		const userFolder = path.join(dir, 'n8n');
		// npm start's settings (scripts/lib/settings.js) for this folder: loopback only, a random owner
		// password kept in <userFolder>/owner-password (mode 0600), the folder's encryption key
		const { env, owner } = mainEnv({ runtime, userFolder, port, extraEnv, n8nEnv });
		const cfg = {
			SHOPIFY_SHOP_DOMAIN: SHOP,
			SHOPIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
			KLAVIYO_PRIVATE_API_KEY: KLAVIYO_KEY,
			KLAVIYO_API_URL: klaviyo.url,
			KLAVIYO_PROCESSES_SHARING_LIMITS: String(klaviyoShare),
			SHOPIFY_API_KEY: shopify.token,
			SHOPIFY_API_URL: shopify.url,
		};
		// the README's steps, as npm start does them (scripts/lib/install.js): the package installed the
		// way n8n's Community Nodes panel does, then (n8n running) credentials, workflow import, publish
		await n8n.prepare({ userFolder });
		const logFile = path.join(dir, 'n8n.log');
		const child = n8n.startProcess({ runtime, env, logFile });
		// stops the main of the info file too: a test may have restarted it (restartMain(info) below)
		started.push({ what: 'n8n', stop: async () => (await n8n.stopProcess(child), stopRecorded(name, 'n8n', child.pid)) });
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
		const { apiKey, session, tableId, stateTableId, syncStateTableId, syncWorkflowId, recoveryWorkflowId, credentials } = setup;
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
			syncStateTableId,
			shopifyUrl: shopify.url,
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
			db,
			postgresPort: db === 'postgres' ? postgresPort : undefined,
			// what restartMain() needs to start main again exactly as here (no secrets: those are re-read from the folder)
			restart: { n8nEnv, redisDir: redis ? path.join(dir, 'redis') : undefined },
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

function writeStackInfo(info) {
	fs.writeFileSync(path.join(STATE_DIR, `${info.name}.json`), JSON.stringify(info, null, 2));
}

const alive = (pid) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

/** Stop a process by pid (SIGTERM, then SIGKILL after `timeoutMs`); resolves once it is gone. */
async function stopPid(pid, { timeoutMs = 20000 } = {}) {
	if (!pid || !alive(pid)) return;
	process.kill(pid, 'SIGTERM');
	const t0 = Date.now();
	while (alive(pid)) {
		if (Date.now() - t0 > timeoutMs) {
			process.kill(pid, 'SIGKILL');
			await new Promise((r) => setTimeout(r, 200));
			return;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** The process of the info file's pids[key], when a test replaced ours (`ours` = the pid we started). */
async function stopRecorded(name, key, ours) {
	let pid;
	try {
		pid = readStackInfo(name).pids[key];
	} catch {
		return;
	}
	if (pid && pid !== ours) await stopPid(pid);
}

/** The children of a process (e.g. n8n's task runner), to kill them with it as when a machine dies. */
function childrenOf(pid) {
	try {
		return require('node:child_process').execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
	} catch {
		return [];
	}
}

/** SIGKILL a process and its children (n8n's task runner): what losing the process looks like. */
function killHard(pid) {
	const children = childrenOf(pid);
	for (const p of [pid, ...children]) {
		try {
			process.kill(p, 'SIGKILL');
		} catch {
			// already gone
		}
	}
}

/**
 * Restart n8n main of a running stack, from any process: `signal` 'SIGKILL' (default) kills it and
 * its task runner at once, as a lost machine or OOM kill would; 'SIGTERM' stops it gracefully. Then
 * starts it again with the same environment (secrets re-read from the user and stack folders) and
 * waits until it serves the Shopify webhook. Returns the updated info (also written to the info file).
 */
async function restartMain(info, { signal = 'SIGKILL', beforeStart } = {}) {
	const old = info.pids.n8n;
	if (signal === 'SIGKILL') killHard(old);
	else if (alive(old)) process.kill(old, signal);
	await n8n.waitFor(async () => !alive(old), { timeoutMs: 30000, intervalMs: 100, what: `n8n main (pid ${old}) to exit` });
	if (beforeStart) await beforeStart();
	const runtime = await n8n.ensureRuntime();
	const dir = path.join(STATE_DIR, info.name);
	let extraEnv = {};
	if (info.db === 'postgres') {
		const { password } = JSON.parse(fs.readFileSync(path.join(dir, 'postgres.credentials.json'), 'utf8'));
		extraEnv = postgres.n8nDbEnv({ port: info.postgresPort, password });
	}
	if (info.mode === 'queue') Object.assign(extraEnv, queue.queueEnv({ redisPort: info.redisPort, sqlite: info.db === 'sqlite' }));
	const port = Number(new URL(info.baseUrl).port);
	const { env, owner } = mainEnv({ runtime, userFolder: info.userFolder, port, extraEnv, n8nEnv: info.restart.n8nEnv });
	const child = n8n.startProcess({ runtime, env, logFile: info.logFile });
	child.unref();
	let next = { ...info, pids: { ...info.pids, n8n: child.pid } };
	writeStackInfo(next);
	await n8n.waitReady(port, { child, webhookPath: 'shopify' });
	// n8n sets the env-managed owner's password hash again at start (a new bcrypt salt), which ends every
	// editor session: log in again so later tests' session (info.cookie) works
	const session = await login(info.baseUrl, owner);
	next = { ...next, cookie: session.cookie, browserId: session.browserId };
	writeStackInfo(next);
	return next;
}

/** Stop the Redis of a running queue-mode stack (SIGTERM: Redis writes its append-only file and exits). */
async function stopRedis(info, { signal = 'SIGTERM' } = {}) {
	const pid = info.pids.redis;
	if (signal === 'SIGKILL') killHard(pid);
	else if (alive(pid)) process.kill(pid, signal);
	await n8n.waitFor(async () => !alive(pid), { timeoutMs: 20000, intervalMs: 100, what: `redis (pid ${pid}) to exit` });
}

/** Start the stack's Redis again on the same port and folder (its append-only file has the queue). */
async function startRedis(info) {
	const dir = path.join(STATE_DIR, info.name);
	const redis = await queue.startRedis({ port: info.redisPort, dir: info.restart.redisDir, logFile: path.join(dir, 'redis.log') });
	redis.child.unref();
	const next = { ...info, pids: { ...info.pids, redis: redis.child.pid } };
	writeStackInfo(next);
	return next;
}

module.exports = { startStack, readStackInfo, restartMain, stopRedis, startRedis, killHard, WEBHOOK_SECRET, KLAVIYO_KEY, SHOP, STATE_DIR };
