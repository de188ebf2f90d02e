'use strict';
/**
 * n8n queue mode on one machine: Redis (Debian's redis-server, installed on first use), the extra
 * environment main and workers need, and `n8n worker` processes. Shared by `npm run start:queue`,
 * the queue-mode e2e stack (test/e2e/stack.js, `mode: 'queue'`) and the benchmarks.
 *
 *   ensureRedis()                      → path of redis-server (apt-get installs it when missing)
 *   startRedis({ port, dir, logFile }) → { child, port, stop() } on 127.0.0.1, append-only file in `dir`
 *   redisArgs({ port, dir })           → redis-server's arguments (pure)
 *   queueEnv({ redisPort, sqlite })    → env for main and workers (EXECUTIONS_MODE=queue, Bull/Redis)
 *   workerEnv(env, { index, basePort }) → a worker's env: own task-runner broker and health ports
 *   startWorker({ runtime, env, index, basePort, logFile, concurrency }) → the `n8n worker` child
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const n8n = require('./n8n');

function log(msg) {
	process.stderr.write(`[queue] ${msg}\n`);
}

function which(cmd) {
	const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : '';
}

function findRedisServer() {
	const found = which('redis-server');
	if (found) return found;
	for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server']) if (fs.existsSync(p)) return p;
	return '';
}

/**
 * redis-server's path; installs Debian's package when it is missing:
 * `apt-get update && apt-get install -y --no-install-recommends redis-server` (through sudo when not root).
 * The system service it may enable is not used: startRedis() runs its own server.
 */
function ensureRedis() {
	let bin = findRedisServer();
	if (bin) return bin;
	if (!which('apt-get')) throw new Error('redis-server is missing and apt-get is not available: install Redis (>= 6) and put redis-server on PATH');
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!root && !which('sudo')) throw new Error('redis-server is missing: run `sudo apt-get install -y redis-server` (not root and no sudo)');
	const prefix = root ? [] : ['sudo', '-n'];
	const run = (args) => {
		const cmd = [...prefix, 'apt-get', ...args];
		log(`installing Redis: ${cmd.join(' ')}`);
		const r = spawnSync(cmd[0], cmd.slice(1), {
			stdio: ['ignore', 'inherit', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (exit ${r.status})`);
	};
	// wait for another apt/dpkg run instead of failing on its lock
	run(['-o', 'DPkg::Lock::Timeout=600', 'update']);
	run(['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'redis-server']);
	bin = findRedisServer();
	if (!bin) throw new Error('redis-server still not found after installing it');
	return bin;
}

function portAnswers(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host });
		socket.setTimeout(1000);
		socket.once('connect', () => {
			socket.write('PING\r\n');
		});
		socket.once('data', (b) => {
			socket.destroy();
			resolve(/PONG/.test(String(b)));
		});
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * redis-server's arguments: 127.0.0.1 only, and an append-only file in `dir` written through on every
 * write (`appendfsync always`), so the jobs n8n main has enqueued — deliveries it has acknowledged to
 * Shopify — survive a Redis restart or crash (no RDB snapshots: the AOF is the one copy). Pure.
 */
function redisArgs({ port, dir }) {
	return [
		'--port', String(port),
		'--bind', '127.0.0.1',
		'--protected-mode', 'yes',
		'--dir', dir,
		'--save', '',
		'--appendonly', 'yes',
		'--appendfsync', 'always',
		'--daemonize', 'no',
	];
}

/**
 * A private redis-server on 127.0.0.1:<port> with its append-only file in `dir`: started again on the
 * same `dir`, it has every job that was queued when it stopped.
 */
async function startRedis({ port = 6379, dir, logFile } = {}) {
	const bin = ensureRedis();
	if (await portAnswers(port)) throw new Error(`something already answers on 127.0.0.1:${port} (another Redis?): pick another port`);
	fs.mkdirSync(dir, { recursive: true });
	const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
	const child = spawn(bin, redisArgs({ port, dir }), { stdio: ['ignore', out, out] });
	await n8n.waitFor(
		async () => {
			if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})${logFile ? `; see ${logFile}` : ''}`);
			return portAnswers(port);
		},
		{ timeoutMs: 20000, what: `redis-server on port ${port}` },
	);
	return { child, port, stop: () => n8n.stopProcess(child, { timeoutMs: 5000 }) };
}

/** How long n8n keeps trying to reach a lost Redis before it exits (n8n's own default: 10 s). */
const REDIS_TIMEOUT_THRESHOLD_MS = 120000;

/**
 * What main and workers add to n8nEnv() for queue mode (all share the user folder / database).
 * On PostgreSQL (sqlite: false, what start:queue, the e2e tests and the benchmarks use) nothing else.
 * On SQLite (sqlite: true), n8n is preloaded with sqlite-busy-timeout.js: several processes write the
 * same file and n8n sets no busy timeout (see that file).
 * n8n exits when Redis stays unreachable for QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD (default 10 s, so a
 * 10 s Redis restart would take main and every worker down): raised to 120 s here.
 */
function queueEnv({ redisPort, redisHost = '127.0.0.1', sqlite = false } = {}) {
	const env = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redisHost,
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD: String(REDIS_TIMEOUT_THRESHOLD_MS),
		// manual runs (e.g. the replay workflow from the editor) run on workers too, as n8n 3 will require
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
	if (sqlite) {
		const preload = `--require ${JSON.stringify(path.join(__dirname, 'sqlite-busy-timeout.js'))}`;
		env.NODE_OPTIONS = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' ');
	}
	return env;
}

/**
 * A worker's environment: the main's env with its own task-runner broker port (main uses
 * port + 10001) and health-check port, or it dies on "port already in use".
 * Worker i (1-based) uses broker port basePort + 2(i-1) and health port basePort + 2(i-1) + 1.
 */
function workerEnv(env, { index, basePort }) {
	return {
		...env,
		N8N_RUNNERS_BROKER_PORT: String(basePort + 2 * (index - 1)),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(basePort + 2 * (index - 1) + 1),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	};
}

/** Start `n8n worker` number `index` (1-based) and wait until its health endpoint answers. */
async function startWorker({ runtime, env, index, basePort, logFile, concurrency = 10, timeoutMs = 180000 }) {
	const wenv = workerEnv(env, { index, basePort });
	const child = n8n.startProcess({ runtime, env: wenv, args: ['worker', `--concurrency=${concurrency}`], logFile, stdio: logFile ? undefined : 'inherit' });
	const healthPort = Number(wenv.QUEUE_HEALTH_CHECK_PORT);
	await n8n.waitFor(
		async () => {
			if (child.exitCode !== null) throw new Error(`n8n worker ${index} exited (${child.exitCode})${logFile ? `; see ${logFile}` : ''}`);
			return (await n8n.httpGet(`http://127.0.0.1:${healthPort}/healthz/readiness`)).status === 200;
		},
		{ timeoutMs, what: `n8n worker ${index} (health port ${healthPort})` },
	);
	return { child, index, healthPort, brokerPort: Number(wenv.N8N_RUNNERS_BROKER_PORT), logFile };
}

module.exports = { ensureRedis, startRedis, redisArgs, queueEnv, workerEnv, startWorker, portAnswers, REDIS_TIMEOUT_THRESHOLD_MS };

if (require.main === module) {
	// `node scripts/lib/queue.js` installs Redis if missing (what CI needs before the queue-mode tests)
	process.stdout.write(`${ensureRedis()}\n`);
}
