#!/usr/bin/env node
'use strict';
/**
 * Release gate (run by .github/workflows/release.yml before `npm publish`): the pushed git tag must be
 * exactly `v<package.json version>`, so a tag can never publish a different version than it names.
 *
 *   node scripts/check-release-tag.js [tag]     tag defaults to $GITHUB_REF_NAME (set by GitHub Actions)
 *
 * Exits 0 and prints the version when they match; exits 1 with both values when they do not.
 */
const fs = require('node:fs');
const path = require('node:path');

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * @param {string | undefined} tag  the git tag, e.g. `v1.2.3` (a `refs/tags/` prefix is accepted)
 * @param {string} version          package.json's version
 * @returns {{ ok: true, version: string } | { ok: false, message: string }}
 */
function checkReleaseTag(tag, version) {
	if (!tag) return { ok: false, message: 'no tag given: pass it as an argument or set GITHUB_REF_NAME' };
	const name = String(tag).replace(/^refs\/tags\//, '');
	if (!SEMVER.test(String(version || ''))) {
		return { ok: false, message: `package.json version "${version}" is not a semantic version` };
	}
	if (name !== `v${version}`) {
		return {
			ok: false,
			message: `tag "${name}" does not match package.json version "${version}" (expected tag "v${version}"): bump the version, commit, then tag that commit`,
		};
	}
	return { ok: true, version };
}

module.exports = { checkReleaseTag };

if (require.main === module) {
	const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8'));
	const result = checkReleaseTag(process.argv[2] || process.env.GITHUB_REF_NAME, pkg.version);
	if (result.ok) {
		console.log(`release tag v${result.version} matches package.json`);
	} else {
		console.error(`release tag check failed: ${result.message}`);
		process.exit(1);
	}
}
