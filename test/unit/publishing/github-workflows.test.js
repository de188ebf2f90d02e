'use strict';
/**
 * The GitHub Actions workflows cannot run here, so this test reads them the way GitHub does (YAML)
 * and checks what n8n's verification depends on: CI runs lint, build, unit tests and the scanner;
 * a version tag publishes with npm provenance only after the tag was checked against package.json
 * and CI passed; package.json and README "Publishing" name the same GitHub repository.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const YAML = require('yaml');
const { checkReleaseTag } = require('../../../scripts/check-release-tag');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function loadWorkflow(file) {
	const doc = YAML.parseDocument(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'));
	expect(doc.errors).toEqual([]);
	return doc.toJS();
}

const ci = loadWorkflow('ci.yml');
const release = loadWorkflow('release.yml');

/** the shell commands of a job's `run:` steps, in order */
const runs = (job) => (job.steps || []).filter((s) => typeof s.run === 'string').map((s) => s.run);

/** index of the first step whose command matches `re` (-1 when none) */
const stepIndex = (job, re) => (job.steps || []).findIndex((s) => typeof s.run === 'string' && re.test(s.run));

/** GitHub's filter-pattern glob for tags: `*` matches any characters except `/` */
const tagGlob = (pattern) =>
	new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}$`);

/** every job `name` depends on, directly or through other jobs */
function allNeeds(jobs, name, seen = new Set()) {
	for (const dep of [].concat(jobs[name].needs || [])) {
		if (!jobs[dep]) throw new Error(`job ${name} needs unknown job ${dep}`);
		if (!seen.has(dep)) {
			seen.add(dep);
			allNeeds(jobs, dep, seen);
		}
	}
	return seen;
}

/** `npm run <script>` names used in a workflow */
const npmRunScripts = (workflow) =>
	Object.values(workflow.jobs)
		.flatMap(runs)
		.flatMap((cmd) => [...cmd.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1]));

const GITHUB_REPO = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?$/;

describe('CI workflow (.github/workflows/ci.yml)', () => {
	test('runs on pushes to main and on pull requests, and can be called by the release workflow', () => {
		expect([].concat(ci.on.push.branches)).toContain('main');
		expect(ci.on).toHaveProperty('pull_request');
		expect(ci.on).toHaveProperty('workflow_call');
		expect(ci.permissions).toEqual({ contents: 'read' });
	});

	test('one job installs, lints, builds, runs the unit tests and the scanner, in that order', () => {
		const job = ci.jobs.check;
		expect(job).toBeDefined();
		const order = [/^npm ci\b/, /^npm run lint$/, /^npm run build$/, /\bjest\b.*--selectProjects unit\b/, /^npm run scan$/].map((re) =>
			stepIndex(job, re),
		);
		for (const i of order) expect(i).toBeGreaterThanOrEqual(0);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	test('the checks run on the lowest Node the package supports (engines) and on Node 22', () => {
		const nodes = ci.jobs.check.strategy.matrix.node.map(String);
		const setup = ci.jobs.check.steps.find((s) => /^actions\/setup-node@/.test(s.uses || ''));
		expect(setup.with['node-version']).toBe('${{ matrix.node }}');
		const engineMajor = pkg.engines.node.match(/(\d+)/)[1];
		expect(nodes).toEqual(expect.arrayContaining([engineMajor, '22']));
	});

	test('a separate job runs the end-to-end suites with Redis and PostgreSQL for queue mode, after the checks', () => {
		const job = ci.jobs.e2e;
		expect(job).toBeDefined();
		expect([].concat(job.needs)).toContain('check');
		const redis = stepIndex(job, /apt-get install\b.*\bredis-server\b/);
		const postgresql = stepIndex(job, /apt-get install\b.*\bpostgresql\b/);
		const e2e = stepIndex(job, /^npm run test:e2e$/);
		expect(redis).toBeGreaterThanOrEqual(0);
		expect(postgresql).toBeGreaterThanOrEqual(0);
		expect(e2e).toBeGreaterThan(redis);
		expect(e2e).toBeGreaterThan(postgresql);
	});

	test('every `npm run` script the workflows use exists in package.json', () => {
		const used = [...new Set([...npmRunScripts(ci), ...npmRunScripts(release)])];
		expect(used.length).toBeGreaterThan(0);
		for (const name of used) expect(Object.keys(pkg.scripts)).toContain(name);
	});
});

describe('release workflow (.github/workflows/release.yml)', () => {
	const publishJobName = Object.keys(release.jobs).find((name) => stepIndex(release.jobs[name], /\bnpm publish\b/) >= 0);
	const publishJob = release.jobs[publishJobName];
	const publishStep = publishJob && publishJob.steps[stepIndex(publishJob, /\bnpm publish\b/)];

	test('runs only for pushed version tags (v1.2.3, v1.2.3-rc.1), not for branches or bare versions', () => {
		expect(Object.keys(release.on)).toEqual(['push']);
		expect(release.on.push.branches).toBeUndefined();
		const patterns = [].concat(release.on.push.tags).map(tagGlob);
		const triggers = (tag) => patterns.some((re) => re.test(tag));
		expect(triggers(`v${pkg.version}`)).toBe(true);
		expect(triggers('v1.2.3')).toBe(true);
		expect(triggers('v1.2.3-rc.1')).toBe(true);
		expect(triggers('1.2.3')).toBe(false);
		expect(triggers('v1')).toBe(false);
		expect(triggers('latest')).toBe(false);
	});

	test('publishes with npm provenance, public access, to the npm registry', () => {
		expect(publishStep).toBeDefined();
		const cmd = publishStep.run.split('\n').find((line) => /\bnpm publish\b/.test(line));
		expect(cmd).toMatch(/--provenance\b/);
		expect(cmd).toMatch(/--access public\b/);
		const setup = publishJob.steps.find((s) => /^actions\/setup-node@/.test(s.uses || ''));
		expect(setup.with['registry-url']).toBe('https://registry.npmjs.org');
		// a token when the NPM_TOKEN secret is set, trusted publishing (OIDC) when it is empty
		expect(publishStep.env.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
	});

	test('only the publish job may mint an OIDC token (id-token: write), and it can read the repository', () => {
		expect(publishJob.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(release.permissions).toEqual({ contents: 'read' });
		for (const [name, job] of Object.entries(release.jobs)) {
			if (name !== publishJobName) expect(job.permissions?.['id-token']).toBeUndefined();
		}
	});

	test('npm is recent enough for trusted publishing (≥ 11.5.1) before it publishes', () => {
		const upgrade = stepIndex(publishJob, /npm (install|i) -g npm@/);
		expect(upgrade).toBeGreaterThanOrEqual(0);
		expect(upgrade).toBeLessThan(publishJob.steps.indexOf(publishStep));
		const range = publishJob.steps[upgrade].run.match(/npm@(\S+)/)[1];
		expect(['^11.5.1', 'latest', '>=11.5.1']).toContain(range.replace(/['"]/g, ''));
	});

	test('checks the tag against package.json before anything is published', () => {
		const jobsBefore = [...allNeeds(release.jobs, publishJobName)];
		const checkedEarlier = jobsBefore.some((name) => stepIndex(release.jobs[name], /node scripts\/check-release-tag\.js "\$GITHUB_REF_NAME"/) >= 0);
		const checkedInJob = stepIndex(publishJob, /node scripts\/check-release-tag\.js "\$GITHUB_REF_NAME"/);
		expect(checkedEarlier).toBe(true);
		expect(checkedInJob).toBeGreaterThanOrEqual(0);
		expect(checkedInJob).toBeLessThan(publishJob.steps.indexOf(publishStep));
	});

	test('publishes only after the whole CI workflow passed, and builds and scans what it publishes', () => {
		const before = allNeeds(release.jobs, publishJobName);
		const ciJob = [...before].find((name) => release.jobs[name].uses === './.github/workflows/ci.yml');
		expect(ciJob).toBeDefined();
		expect(fs.existsSync(path.join(WORKFLOWS, 'ci.yml'))).toBe(true);
		const publishAt = publishJob.steps.indexOf(publishStep);
		for (const re of [/^npm ci\b/, /^npm run build$/, /^npm run scan$/]) {
			const i = stepIndex(publishJob, re);
			expect(i).toBeGreaterThanOrEqual(0);
			expect(i).toBeLessThan(publishAt);
		}
	});

	test('prereleases are published under the `next` dist-tag, never as `latest`', () => {
		const script = publishStep.run;
		expect(script).toMatch(/--tag "\$dist_tag"/);
		const distTag = (ref) => {
			const r = spawnSync('bash', ['-c', `${script.split('\n').filter((l) => !/npm publish/.test(l)).join('\n')}\necho "$dist_tag"`], {
				env: { ...process.env, GITHUB_REF_NAME: ref },
				encoding: 'utf8',
			});
			expect(r.status).toBe(0);
			return r.stdout.trim();
		};
		expect(distTag('v1.2.3')).toBe('latest');
		expect(distTag('v1.2.3-rc.1')).toBe('next');
	});
});

describe('scripts/check-release-tag.js', () => {
	test('accepts exactly v<version>', () => {
		expect(checkReleaseTag('v1.2.3', '1.2.3')).toEqual({ ok: true, version: '1.2.3' });
		expect(checkReleaseTag('refs/tags/v1.2.3-rc.1', '1.2.3-rc.1')).toEqual({ ok: true, version: '1.2.3-rc.1' });
	});

	test('rejects a tag that names another version, lacks the v, or is missing, naming both values', () => {
		const other = checkReleaseTag('v1.2.4', '1.2.3');
		expect(other.ok).toBe(false);
		expect(other.message).toContain('"v1.2.4"');
		expect(other.message).toContain('"1.2.3"');
		expect(checkReleaseTag('1.2.3', '1.2.3').ok).toBe(false);
		expect(checkReleaseTag('v1.2.3.4', '1.2.3').ok).toBe(false);
		expect(checkReleaseTag(undefined, '1.2.3')).toEqual({ ok: false, message: expect.stringContaining('GITHUB_REF_NAME') });
		expect(checkReleaseTag('vnope', 'nope').message).toContain('not a semantic version');
	});

	test('as a command: exit 0 for this package.json version, 1 (with the reason) for another', () => {
		const script = path.join(ROOT, 'scripts', 'check-release-tag.js');
		const run = (env, args = []) => spawnSync(process.execPath, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
		expect(run({ GITHUB_REF_NAME: `v${pkg.version}` }).status).toBe(0);
		const bad = run({ GITHUB_REF_NAME: 'v999.0.0' });
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain(`"${pkg.version}"`);
		expect(run({ GITHUB_REF_NAME: '' }).status).toBe(1);
		expect(run({ GITHUB_REF_NAME: 'v999.0.0' }, [`v${pkg.version}`]).status).toBe(0);
	});
});

describe('package metadata and README "Publishing" name one GitHub repository', () => {
	const [, owner, repo] = pkg.repository.url.match(GITHUB_REPO) || [];
	const repoUrl = `https://github.com/${owner}/${repo}`;
	const publishing = ((readme.split(/^## Publishing\s*$/m)[1] || '').split(/^## /m)[0]).replace(/\s+/g, ' ');

	test('repository, homepage, bugs and author point at the same GitHub repository', () => {
		expect(pkg.repository.type).toBe('git');
		expect(owner).toBeTruthy();
		expect(repo).toBe(pkg.name);
		expect(pkg.homepage.replace(/#readme$/, '')).toBe(repoUrl);
		expect(pkg.bugs.url).toBe(`${repoUrl}/issues`);
		expect(pkg.author.url).toBe(`https://github.com/${owner}`);
		expect(pkg.author.name).toBeTruthy();
	});

	test('publishConfig makes every publish public and with provenance', () => {
		expect(pkg.publishConfig).toEqual({ access: 'public', provenance: true });
	});

	test('README "Publishing" links that repository, and only it, and names the trusted publisher as npm must be told', () => {
		expect(publishing).not.toBe('');
		const links = [...publishing.matchAll(/https:\/\/github\.com\/[\w.-]+\/[\w.-]+/g)].map((m) => m[0]);
		expect(links.length).toBeGreaterThan(0);
		for (const link of links) expect(link).toBe(repoUrl);
		expect(publishing).toContain(`organization \`${owner}\``);
		expect(publishing).toContain(`repository \`${repo}\``);
		expect(publishing).toContain('workflow file `release.yml`');
		expect(fs.existsSync(path.join(WORKFLOWS, 'release.yml'))).toBe(true);
		expect(publishing).toContain('npm publish --provenance --access public');
	});
});
