#!/usr/bin/env node
'use strict';
/**
 * npm test: unit tests (jest + nock), then end-to-end tests against the pinned n8n (installed on
 * first use) and the project's fake Klaviyo. `--unit-only` / `--e2e-only` run one half.
 * Extra arguments go to jest (e.g. `npm test -- -t signature`).
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureRuntime } = require('./lib/runtime');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit-only');
const e2eOnly = args.includes('--e2e-only');
const jestArgs = args.filter((a) => a !== '--unit-only' && a !== '--e2e-only');

function step(msg) {
	process.stderr.write(`\n[test ${new Date().toISOString().slice(11, 19)}] ==> ${msg}\n`);
}

function run(cmd, cmdArgs) {
	const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit' });
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
		step('end-to-end tests against real n8n');
		run(process.execPath, [jest, '--selectProjects', 'e2e', '--runInBand', ...jestArgs]);
	}
})().catch((err) => {
	process.stderr.write(`${err.stack || err}\n`);
	process.exit(1);
});
