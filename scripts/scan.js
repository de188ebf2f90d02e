#!/usr/bin/env node
'use strict';
/**
 * Runs n8n's community-package scanner (@n8n/scan-community-package) on the packed tarball, offline.
 *
 * `npx @n8n/scan-community-package <name>` downloads the *published* package from the npm registry
 * and insists on npm provenance attestations, so it cannot check an unpublished local tarball.
 * Its `analyzePackage(dir)` — the lint pass that decides pass/fail — works on any folder, so we
 * `npm pack`, unpack into a temporary folder and call that, exactly as the CLI would after download.
 * Since 0.32 the published-package scan (what n8n's verification runs) also lints the GitHub source
 * its provenance attests — package.json, nodes/ and credentials/ (`SOURCE_FILE_PATTERNS`) — so we
 * lint this checkout with those patterns too. (.github/workflows/release.yml runs the full online
 * scan against the version it has just published.)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');

(async () => {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
	try {
		const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' });
		const tarball = path.join(tmp, out.trim().split('\n').pop());
		const dir = path.join(tmp, 'package');
		fs.mkdirSync(dir);
		execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
		const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
		console.log(`packed ${path.basename(tarball)}: ${files.length} files, ${(fs.statSync(tarball).size / 1024).toFixed(1)} KiB`);
		const leaked = files.filter((f) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE(\.md)?$)/.test(f));
		if (leaked.length) throw new Error(`unexpected files in the tarball: ${leaked.join(', ')}`);
		const scannerPath = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs', { paths: [ROOT] });
		const scanner = await import(pathToFileURL(scannerPath).href);
		const { analyzePackage } = scanner;
		if (!Array.isArray(scanner.SOURCE_FILE_PATTERNS)) throw new Error('@n8n/scan-community-package no longer exports SOURCE_FILE_PATTERNS: check how it scans sources');
		const legs = [
			['the packed tarball', await analyzePackage(dir)],
			['the sources (package.json, nodes/, credentials/)', await analyzePackage(ROOT, scanner.SOURCE_FILE_PATTERNS)],
		];
		for (const [what, result] of legs) {
			if (result.passed) {
				console.log(`✅ @n8n/scan-community-package: ${what} passed all checks`);
			} else {
				console.log(`❌ @n8n/scan-community-package: ${what}: ${result.message}`);
				if (result.details) console.log(result.details);
				process.exitCode = 1;
			}
		}
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
})().catch((err) => {
	console.error(err);
	process.exit(1);
});
