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
 * All share the user folder (N8N_USER_FOLDER, default .n8n-data/: SQLite, package, encryption key). Everything else as in
 * `npm start`: the local Klaviyo sandbox without keys, credentials, workflows imported and published,
 * the dead-letter table. Ctrl-C stops workers, main, Redis and the sandbox.
 *
 * SQLite is what this runs on; n8n logs "Scaling mode is not officially supported with sqlite".
 * For production use PostgreSQL (DB_TYPE=postgresdb and DB_POSTGRESDB_* for main and workers).
 */
const path = require('node:path');
const n8n = require('./lib/n8n');
const queue = require('./lib/queue');
const { loadEnv } = require('./lib/env');
const launch = require('./lib/launch');
const settings = require('./lib/settings');

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
	const postgres = (cfg.DB_TYPE || '') === 'postgresdb';

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

		const env = launch.userEnv({ runtime, cfg, start, extra: queue.queueEnv({ redisPort, sqlite: !postgres }) });
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
				`  Database:             ${postgres ? 'PostgreSQL' : `SQLite in ${userFolder}/ (fine to try; use PostgreSQL in production)`}`,
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
