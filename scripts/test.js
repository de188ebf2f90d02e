#!/usr/bin/env node
'use strict';
/**
 * npm test: unit tests (jest + nock), then end-to-end tests against the pinned n8n (installed on
 * first use) and the project's fake Klaviyo — twice: n8n in its default mode, then in queue mode
 * on PostgreSQL (Redis + PostgreSQL + main + 2 workers; E2E_MODE=queue), which also runs the queue-only
 * tests (queue-*.test.js: a worker, the main process, Redis lost during a burst).
 * `--unit-only` / `--e2e-only` run one half; `--main-mode-only` / `--queue-mode-only` one e2e pass.
 * Extra arguments go to jest (e.g. `npm test -- -t signature`).
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureRuntime } = require('./lib/runtime');
const { ensureRedis } = require('./lib/queue');
const { ensurePostgres } = require('./lib/postgres');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit-only');
const e2eOnly = args.includes('--e2e-only');
const jestArgs = args.filter((a) => !['--unit-only', '--e2e-only', '--main-mode-only', '--queue-mode-only'].includes(a));

function step(msg) {
	process.stderr.write(`\n[test ${new Date().toISOString().slice(11, 19)}] ==> ${msg}\n`);
}

function run(cmd, cmdArgs, env = {}) {
	const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
	if (r.status !== 0) process.exit(r.status || 1);
}

(async () => {
	const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
	if (!e2eOnly) {
		step('unit tests');
		run(process.execPath, [jest, '--selectProjects', 'unit', ...jestArgs]);
	}
	if (!unitOnly) {
		step('build (the e2e tests load dist/ into n8n)');
		run('npm', ['run', 'build', '--silent']);
		step('pinned n8n runtime (installed on first use)');
		await ensureRuntime();
		if (!args.includes('--queue-mode-only')) {
			step('end-to-end tests against real n8n');
			run(process.execPath, [jest, '--selectProjects', 'e2e', '--runInBand', ...jestArgs], { E2E_MODE: 'main' });
		}
		if (!args.includes('--main-mode-only')) {
			step('Redis and PostgreSQL for queue mode (Debian redis-server and postgresql, installed on first use)');
			ensureRedis();
			ensurePostgres();
			step('end-to-end tests again, n8n in queue mode on PostgreSQL (Redis + main + 2 workers), plus a lost worker, main process and Redis');
			run(process.execPath, [jest, '--selectProjects', 'e2e', '--runInBand', ...jestArgs], { E2E_MODE: 'queue', E2E_STACK: 'e2e-queue' });
		}
	}
})().catch((err) => {
	process.stderr.write(`${err.stack || err}\n`);
	process.exit(1);
});
