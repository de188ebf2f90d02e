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
 * All share the user folder (.n8n-data/: SQLite, package, encryption key). Everything else as in
 * `npm start`: the local Klaviyo sandbox without keys, credentials, workflows imported and published,
 * the dead-letter table. Ctrl-C stops workers, main, Redis and the sandbox.
 *
 * SQLite is what this runs on; n8n logs "Scaling mode is not officially supported with sqlite".
 * For production use PostgreSQL (DB_TYPE=postgresdb and DB_POSTGRESDB_* for main and workers).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const n8n = require('./lib/n8n');
const queue = require('./lib/queue');
const { loadEnv } = require('./lib/env');
const { provision, DEAD_LETTER_TABLE } = require('./lib/provision');

const ROOT = n8n.ROOT;
const WORKFLOWS = path.join(ROOT, 'workflows');
const SYNC_WORKFLOW_FILE = path.join(WORKFLOWS, 'shopify-to-klaviyo.json');

function say(msg) {
	process.stderr.write(`[start:queue] ${msg}\n`);
}

const fileHash = (p) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');

/** Workflows whose shipped file changed since the last import (same state file as scripts/start.js). */
function workflowsToImport(userFolder) {
	const stateFile = path.join(userFolder, 'imported-workflows.json');
	const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
	const files = fs.existsSync(WORKFLOWS) ? fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json')) : [];
	return {
		changed: files.filter((f) => state[f] !== fileHash(path.join(WORKFLOWS, f))),
		save() {
			const next = {};
			for (const f of files) next[f] = fileHash(path.join(WORKFLOWS, f));
			fs.writeFileSync(stateFile, JSON.stringify(next, null, 2));
		},
	};
}

async function main() {
	const { env: cfg, file } = loadEnv(ROOT);
	say(file ? `reading ${path.relative(ROOT, file)} (command-line variables win)` : 'no .env found: using defaults and the local Klaviyo sandbox');
	const port = Number(cfg.N8N_PORT || 5678);
	const redisPort = Number(cfg.REDIS_PORT || 6380);
	const workers = Number(cfg.N8N_WORKERS || 2);
	const workerBasePort = Number(cfg.N8N_WORKER_BASE_PORT || port + 10);
	const userFolder = path.resolve(ROOT, cfg.N8N_DATA_DIR || '.n8n-data');
	const postgres = (cfg.DB_TYPE || '') === 'postgresdb';

	say('building the package');
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');
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
		if (!cfg.KLAVIYO_API_URL && !cfg.KLAVIYO_PRIVATE_API_KEY) {
			const sandboxPort = Number(cfg.KLAVIYO_SANDBOX_PORT || 5680);
			const { createFakeKlaviyo } = require(path.join(ROOT, 'test', 'fake-klaviyo', 'server.js'));
			const sandbox = createFakeKlaviyo({ rateLimits: true });
			const { url } = await sandbox.start(sandboxPort);
			running.push({ what: 'the Klaviyo sandbox', stop: () => sandbox.stop() });
			cfg.KLAVIYO_API_URL = url;
			say(`no Klaviyo key: using the local Klaviyo sandbox at ${url} (state: ${url}/__admin/summary)`);
		}

		const redis = await queue.startRedis({ port: redisPort, dir: path.join(userFolder, 'redis'), logFile: path.join(userFolder, 'redis.log') });
		running.push({ what: 'Redis', stop: redis.stop });
		say(`Redis on 127.0.0.1:${redisPort} (log: ${path.relative(ROOT, path.join(userFolder, 'redis.log'))})`);

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
				...queue.queueEnv({ redisPort, sqlite: !postgres }),
			},
		});

		// workflows: (re-)imported and published when the shipped file changed since the last import,
		// with the same bookkeeping as `npm start` (editor edits survive restarts)
		const imports = workflowsToImport(userFolder);
		const changed = imports.changed.length > 0;
		say(`preparing n8n in ${path.relative(ROOT, userFolder)}/ (package, credentials${changed ? `, ${imports.changed.length} workflow(s)` : ''})`);
		await n8n.prepare({
			runtime,
			env,
			userFolder,
			credentials: n8n.credentialsFromEnv(cfg, { userFolder, port }),
			workflowsDir: changed ? WORKFLOWS : path.join(userFolder, 'no-workflows'),
			publish: changed ? [n8n.IDS.syncWorkflow, n8n.IDS.deadLetterWorkflow, n8n.IDS.replayWorkflow] : [],
		});
		imports.save();

		say(`starting n8n 2.41.1 main (queue mode) on port ${port}`);
		const main = n8n.startProcess({ runtime, env, stdio: 'inherit' });
		running.push({ what: 'n8n main', stop: () => n8n.stopProcess(main) });
		main.on('exit', (code, signal) => {
			if (!stopping) stop(`n8n main exited (${signal || code})`, code || 1);
		});
		await n8n.waitReady(port, { child: main, webhookPath: fs.existsSync(SYNC_WORKFLOW_FILE) ? 'shopify' : undefined });

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

		await provision({
			baseUrl: `http://127.0.0.1:${port}`,
			port,
			userFolder,
			owner: { email: env.N8N_INSTANCE_OWNER_EMAIL, password: cfg.N8N_OWNER_PASSWORD || n8n.DEFAULT_OWNER.password },
			n8nApiCredentialId: n8n.IDS.n8nApiCredential,
		});
		const base = `http://localhost:${port}`;
		const lines = [
			'',
			'  n8n-nodes-shopify-klaviyo is running in QUEUE MODE',
			`  Editor:               ${base}/`,
			`  Log in as:            ${env.N8N_INSTANCE_OWNER_EMAIL} / ${cfg.N8N_OWNER_PASSWORD ? '(N8N_OWNER_PASSWORD)' : n8n.DEFAULT_OWNER.password}`,
			`  Shopify webhook URL:  ${base}/webhook/shopify`,
			`  Klaviyo:              ${cfg.KLAVIYO_API_URL || 'https://a.klaviyo.com'}`,
			`  Redis:                127.0.0.1:${redisPort}`,
			`  Workers:              ${ws.map((w) => `#${w.index} pid ${w.child.pid} (health http://127.0.0.1:${w.healthPort}/healthz)`).join(', ')}`,
			`  Database:             ${postgres ? 'PostgreSQL' : `SQLite in ${path.relative(ROOT, userFolder)}/ (fine to try; use PostgreSQL in production)`}`,
			`  Dead letters:         Data Table "${DEAD_LETTER_TABLE}"; replay: npm run replay`,
			'  Try it:               npm run demo   (in a second terminal)',
			'  Stop:                 Ctrl-C',
			'',
		];
		process.stderr.write(lines.join('\n') + '\n');
	} catch (err) {
		say(`ERROR: ${err.message}`);
		await stop('error', 1);
	}
}

main().catch((err) => {
	say(`ERROR: ${err.message}`);
	process.exit(1);
});
