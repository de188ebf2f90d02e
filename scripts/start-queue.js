#!/usr/bin/env node
'use strict';
/**
 * npm run start:queue: like `npm start`, but n8n in queue mode — the set-up for scaling out.
 *  - Redis: Debian's redis-server (installed with apt-get on first use, through sudo when not root),
 *    started by this script on 127.0.0.1:REDIS_PORT (default 6380), nothing persisted
 *  - n8n main (`EXECUTIONS_MODE=queue`) on N8N_PORT (default 5678): editor, API, webhooks; it only
 *    enqueues executions
 *  - N8N_WORKERS (default 2) `n8n worker` processes that run them, each with its own task-runner broker
 *    and health port (N8N_WORKER_BASE_PORT, default N8N_PORT + 10: worker i uses +2(i-1) and +2(i-1)+1)
 *  - PostgreSQL, which n8n supports for queue mode: a private cluster in .n8n-data/postgres/ made with
 *    Debian's initdb/pg_ctl (scripts/lib/postgres.js; apt-get installs `postgresql` when missing) on
 *    127.0.0.1:POSTGRES_PORT (default 5433), or the existing database DB_POSTGRESDB_* in .env name
 * All share the user folder (N8N_USER_FOLDER, default .n8n-data/: package, encryption key), the database and Redis. Everything
 * else as in `npm start`: the local Klaviyo sandbox without keys, credentials, workflows imported and
 * published, the dead-letter table. Ctrl-C stops workers, main, Redis, PostgreSQL and the sandbox.
 * DB_TYPE=sqlite in .env runs it on SQLite instead (with the busy-timeout preload; not for production).
 */
const path = require('node:path');
const n8n = require('./lib/n8n');
const queue = require('./lib/queue');
const { loadEnv } = require('./lib/env');
const launch = require('./lib/launch');
const settings = require('./lib/settings');
const postgres = require('./lib/postgres');

const ROOT = n8n.ROOT;

function say(msg) {
	process.stderr.write(`[start:queue] ${msg}\n`);
}

async function main() {
	const { env: cfg, file } = loadEnv(ROOT);
	say(file ? `reading ${path.relative(ROOT, file)} (command-line variables win)` : 'no .env found: using defaults and the local Klaviyo sandbox');
	const start = settings.forStart(cfg); // refuses unsafe settings before anything starts
	const { port, userFolder } = start;
	const redisPort = Number(cfg.REDIS_PORT || 6380);
	const workers = Number(cfg.N8N_WORKERS || 2);
	const workerBasePort = Number(cfg.N8N_WORKER_BASE_PORT || port + 10);
	const external = postgres.externalDatabase(cfg);
	const sqlite = !external && cfg.DB_TYPE === 'sqlite';
	const postgresPort = Number(cfg.POSTGRES_PORT || 5433);
	// the workers share the Klaviyo account's rate limits: each paces to 1/N of them (the credential's setting)
	cfg.KLAVIYO_PROCESSES_SHARING_LIMITS = cfg.KLAVIYO_PROCESSES_SHARING_LIMITS || String(workers);

	launch.buildPackage(say);
	const runtime = await n8n.ensureRuntime();

	const running = []; // stopped in reverse order on Ctrl-C or when something fails
	let stopping = false;
	const stopAll = async () => {
		while (running.length) {
			const r = running.pop();
			await r.stop().catch((err) => say(`stopping ${r.what}: ${err.message}`));
		}
	};
	const stop = async (why, code = 0) => {
		if (stopping) return;
		stopping = true;
		say(`${why}: stopping ${running.map((r) => r.what).reverse().join(', ')}`);
		await stopAll();
		process.exit(code);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));

	try {
		const sandbox = await launch.startSandboxIfNeeded(cfg, say);
		if (sandbox) running.push({ what: 'the Klaviyo sandbox', stop: () => sandbox.stop() });

		const redis = await queue.startRedis({ port: redisPort, dir: path.join(userFolder, 'redis'), logFile: path.join(userFolder, 'redis.log') });
		running.push({ what: 'Redis', stop: redis.stop });
		say(`Redis on 127.0.0.1:${redisPort} (log: ${path.relative(ROOT, path.join(userFolder, 'redis.log'))})`);

		let db = external;
		let dbLine = external ? `PostgreSQL ${cfg.DB_POSTGRESDB_HOST || 'localhost'}:${cfg.DB_POSTGRESDB_PORT || 5432}/${cfg.DB_POSTGRESDB_DATABASE || 'n8n'} (DB_POSTGRESDB_* from .env)` : '';
		if (sqlite) {
			dbLine = `SQLite in ${userFolder}/ (DB_TYPE=sqlite: fine to try; n8n supports queue mode on PostgreSQL)`;
		} else if (!external) {
			const cluster = await postgres.startCluster({ dir: path.join(userFolder, 'postgres'), port: postgresPort, say });
			running.push({ what: 'PostgreSQL', stop: cluster.stop });
			db = cluster.env;
			dbLine = `PostgreSQL 127.0.0.1:${postgresPort}, database n8n (private cluster in ${cluster.dataDir}, log server.log there)`;
			say(`PostgreSQL on 127.0.0.1:${postgresPort} (${cluster.dataDir})`);
		}
		const extra = {
			...queue.queueEnv({ redisPort, sqlite }),
			...(db || {}),
			// a setting given in .env wins over ours
			...(cfg.QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD ? { QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD: cfg.QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD } : {}),
		};
		const env = launch.userEnv({ runtime, cfg, start, extra });
		await launch.prepareUserFolder({ start, say });

		say(`starting n8n 2.41.1 main (queue mode) on port ${port}`);
		const main = n8n.startProcess({ runtime, env, stdio: 'inherit' });
		running.push({ what: 'n8n main', stop: () => n8n.stopProcess(main) });
		main.on('exit', (code, signal) => {
			if (!stopping) stop(`n8n main exited (${signal || code})`, code || 1);
		});
		await n8n.waitReady(port, { child: main });

		say(`starting ${workers} n8n worker(s)`);
		const ws = await Promise.all(
			Array.from({ length: workers }, (_, i) =>
				queue.startWorker({ runtime, env, index: i + 1, basePort: workerBasePort }).then((w) => {
					running.push({ what: `worker ${w.index}`, stop: () => n8n.stopProcess(w.child) });
					w.child.on('exit', (code, signal) => {
						if (!stopping) say(`worker ${w.index} exited (${signal || code}); the other workers carry on`);
					});
					return w;
				}),
			),
		);

		await launch.provisionRunning({ cfg, start, child: main });
		launch.printBanner({
			title: 'n8n-nodes-shopify-klaviyo is running in QUEUE MODE',
			cfg,
			start,
			sandbox,
			extraLines: [
				`  Redis:                127.0.0.1:${redisPort}`,
				`  Workers:              ${ws.map((w) => `#${w.index} pid ${w.child.pid} (health http://127.0.0.1:${w.healthPort}/healthz)`).join(', ')}`,
				`  Database:             ${dbLine}`,
			],
		});
	} catch (err) {
		say(`ERROR: ${err.message}`);
		await stop('error', 1);
	}
}

main().catch((err) => {
	say(`ERROR: ${err.message}`);
	process.exit(1);
});
