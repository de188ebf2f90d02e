#!/usr/bin/env node
'use strict';
/**
 * npm run screenshot: a real screenshot of the shipped sync workflow ("Shopify → Klaviyo sync",
 * id ShopifyKlaviyo01) open in the real n8n editor, written to docs/images/sync-workflow.png.
 *
 *   npm run screenshot                          build if needed, start a throw-away stack, capture
 *   node scripts/screenshot.js --out file.png   write somewhere else
 *   node scripts/screenshot.js --scale 1        1600×900 pixels instead of 3200×1800 (default 2)
 *   node scripts/screenshot.js --base-url http://localhost:5678
 *                                               capture from an n8n that is already running (npm start)
 *
 * It starts the same local stack as the end-to-end tests (test/e2e/stack.js: the fake Klaviyo + the
 * pinned n8n with this package, the shipped workflows imported and published) on ports 5720/5721,
 * state in .e2e/screenshot/ (removed after a successful run, kept with its logs after a failure).
 * Then it signs in through the editor's sign-in form as the owner, opens the workflow, waits until
 * every node and sticky note is on the canvas, closes popups, zooms to fit and saves a PNG of the
 * 1600×900 window. Everything it started is stopped afterwards, also on failure; it exits 1 with
 * the reason when anything fails. Takes ~2–3 minutes (mostly n8n's start).
 *
 * The browser is Debian's Chromium (/usr/bin/chromium, driven by playwright-core, which downloads no
 * browser of its own); if it is missing the script installs it with apt-get (needs root).
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { loadEnv } = require('./lib/env');
const settings = require('./lib/settings');

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** The sync's id: n8n gave it a new one on import (kept in the user folder's sync-setup.json). */
function syncWorkflowIdIn(userFolder) {
	const file = path.join(userFolder, 'sync-setup.json');
	const state = require('node:fs').existsSync(file) ? JSON.parse(require('node:fs').readFileSync(file, 'utf8')) : {};
	const wf = state.workflows && state.workflows['shopify-to-klaviyo.json'];
	if (!wf) throw new ScreenshotError(`no ${file}: start n8n with npm start first`);
	return wf.id;
}
const DEFAULT_OUT = path.join(ROOT, 'docs', 'images', 'sync-workflow.png');
const STACK = { name: 'screenshot', port: 5720, klaviyoPort: 5721 };
const VIEWPORT = { width: 1600, height: 900 };
const DEFAULT_SCALE = 2; // device pixels per CSS pixel: a sharp 3200×1800 PNG (~450 KB)
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];

class ScreenshotError extends Error {}

function say(msg) {
	process.stderr.write(`[screenshot] ${msg}\n`);
}

function parseArgs(argv) {
	const opts = { out: DEFAULT_OUT, baseUrl: null, scale: DEFAULT_SCALE };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--out') opts.out = path.resolve(argv[++i] || '');
		else if (a === '--base-url') opts.baseUrl = (argv[++i] || '').replace(/\/+$/, '');
		else if (a === '--scale') opts.scale = Number(argv[++i]);
		else if (a === '-h' || a === '--help') opts.help = true;
		else throw new ScreenshotError(`unknown argument ${a} (see the header of scripts/screenshot.js)`);
	}
	if (!(opts.scale >= 1 && opts.scale <= 3)) throw new ScreenshotError('--scale must be between 1 and 3');
	return opts;
}

/** Debian's Chromium, installed with apt-get when missing. */
function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	say(`${CHROMIUM} not found: installing Debian's chromium package (apt-get install -y --no-install-recommends chromium)…`);
	const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	let r = run(['install', '-y', '--no-install-recommends', 'chromium']);
	if (r.status !== 0) {
		say('apt-get install failed; running apt-get update and trying again…');
		run(['update']);
		r = run(['install', '-y', '--no-install-recommends', 'chromium']);
	}
	if (r.error || r.status !== 0 || !fs.existsSync(CHROMIUM)) {
		throw new ScreenshotError(
			`could not install Chromium (${r.error ? r.error.message : `apt-get exited ${r.status}`}). ` +
				'Install it yourself as root: apt-get update && apt-get install -y --no-install-recommends chromium ' +
				'(or set CHROMIUM_PATH to a Chromium/Chrome binary).',
		);
	}
	return CHROMIUM;
}

function ensureBuilt() {
	if (fs.existsSync(path.join(ROOT, 'dist', 'nodes'))) return;
	say('dist/ missing: npm run build…');
	const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (r.status !== 0) throw new ScreenshotError('npm run build failed');
}

/** Direct children of this process (by pid), to clean up what a half-started stack left behind. */
function ownChildren() {
	const pids = [];
	for (const d of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === process.pid) pids.push(Number(d));
		} catch {
			// the process ended meanwhile
		}
	}
	return pids;
}

/** What the canvas must show: the shipped workflow's nodes (by name) and its sticky notes (by count). */
function expectedCanvas() {
	const wf = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', 'shopify-to-klaviyo.json'), 'utf8'));
	const sticky = (n) => n.type === 'n8n-nodes-base.stickyNote';
	return { nodes: wf.nodes.filter((n) => !sticky(n)).map((n) => n.name), stickies: wf.nodes.filter(sticky).length };
}

async function waitForCanvas(page) {
	const want = expectedCanvas();
	try {
		await page.waitForFunction(
			({ nodes, stickies }) => {
				const rendered = [...document.querySelectorAll('[data-test-id="canvas-node"]')];
				const text = rendered.map((n) => n.textContent).join('\n');
				return document.querySelectorAll('[data-test-id="sticky"]').length >= stickies && nodes.every((name) => text.includes(name));
			},
			want,
			{ timeout: 60000 },
		);
	} catch {
		throw new ScreenshotError(
			`the editor did not render the workflow (${want.nodes.length} nodes, ${want.stickies} sticky notes) within 60 s; page: ${page.url()}`,
		);
	}
	await page.waitForLoadState('networkidle').catch(() => {});
}

/** Close the "Production Checklist" popover, toasts, banners and any modal that opened by itself. */
async function dismissPopups(page) {
	const closers = [
		'[data-test-id="suggested-actions-close"]',
		'.el-notification .el-notification__closeBtn',
		'[data-test-id="banner-stack"] [data-test-id="banner-close-button"]',
		'[data-test-id="banner-stack"] [data-test-id="banners-close-button"]',
		'.el-dialog__headerbtn',
	];
	for (let round = 0; round < 3; round++) {
		let closed = 0;
		for (const sel of closers) {
			for (const el of await page.locator(sel).all()) {
				if (await el.isVisible().catch(() => false)) {
					await el.click({ timeout: 2000 }).catch(() => {});
					closed++;
				}
			}
		}
		if (!closed) break;
		await page.waitForTimeout(500);
	}
}

async function capture({ baseUrl, workflowId, out, executablePath, owner, scale = DEFAULT_SCALE }) {
	const { chromium } = require('playwright-core');
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
	try {
		const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: scale, locale: 'en-US', timezoneId: 'UTC' });
		const page = await context.newPage();
		// the editor loads everything from n8n itself; refuse anything else so nothing hangs on the network
		const origin = new URL(baseUrl).origin;
		await context.route('**/*', (route) => {
			const url = route.request().url();
			if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
			return route.abort();
		});

		say('signing in…');
		try {
			await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
		} catch (err) {
			throw new ScreenshotError(`cannot open the n8n editor at ${baseUrl}: ${err.message.split('\n')[0]}`);
		}
		const email = page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first();
		await email.waitFor({ timeout: 60000 });
		await email.fill(owner.email);
		await page.locator('input[name="password"], input[type="password"]').first().fill(owner.password);
		await page.locator('[data-test-id="form-submit-button"], button[type="submit"]').first().click();
		try {
			await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30000 });
		} catch {
			throw new ScreenshotError(`could not sign in to ${baseUrl} as ${owner.email} (N8N_OWNER_EMAIL / N8N_OWNER_PASSWORD in .env?)`);
		}

		say(`opening /workflow/${workflowId}…`);
		await page.goto(`${baseUrl}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
		await waitForCanvas(page);
		await dismissPopups(page);
		await page.locator('[data-test-id="zoom-to-fit"]').click();
		await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height / 2); // no hover effects on nodes
		await page.evaluate(() => document.fonts.ready);
		await page.waitForTimeout(1000); // the fit-view animation
		await dismissPopups(page);
		await page.screenshot({ path: out });
	} finally {
		await browser.close();
	}
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (opts.help) {
		process.stdout.write('usage: node scripts/screenshot.js [--out file.png] [--scale 1|2] [--base-url http://localhost:5678]\n');
		return;
	}
	const executablePath = ensureChromium();
	fs.mkdirSync(path.dirname(opts.out), { recursive: true });
	if (opts.baseUrl) {
		const { env: cfg } = loadEnv(ROOT);
		// npm start's login: N8N_OWNER_PASSWORD, else the password it generated into the user folder
		const userFolder = settings.userFolderFrom(cfg);
		const owner = settings.ownerLogin(cfg, userFolder);
		await capture({ baseUrl: opts.baseUrl, workflowId: syncWorkflowIdIn(userFolder), out: opts.out, executablePath, owner, scale: opts.scale });
	} else {
		ensureBuilt();
		const { startStack, STATE_DIR } = require('../test/e2e/stack');
		const stateDir = path.join(STATE_DIR, STACK.name);
		let stack;
		let ok = false;
		try {
			say(`starting the local stack on ports ${STACK.port}/${STACK.klaviyoPort}…`);
			stack = await startStack(STACK);
			const owner = settings.ownerLogin({}, stack.info.userFolder); // the stack's generated password
			await capture({ baseUrl: `http://localhost:${STACK.port}`, workflowId: stack.info.syncWorkflowId, out: opts.out, executablePath, owner, scale: opts.scale });
			ok = true;
		} finally {
			if (stack) {
				say('stopping the stack…');
				await stack.stop().catch((err) => say(`stopping the stack: ${err.message}`));
			}
			// anything a half-started stack left running (only this process's own children, by pid)
			for (const pid of ownChildren()) {
				try {
					process.kill(pid, 'SIGTERM');
				} catch {
					// already gone
				}
			}
			// the stack is throw-away: keep its state (logs) only when something went wrong
			if (ok) {
				fs.rmSync(stateDir, { recursive: true, force: true });
				fs.rmSync(`${stateDir}.json`, { force: true });
			} else {
				say(`the stack's logs are in ${path.relative(process.cwd(), stateDir)}/`);
			}
		}
	}
	say(`wrote ${path.relative(process.cwd(), opts.out)} (${Math.round(fs.statSync(opts.out).size / 1024)} KB)`);
}

if (require.main === module) {
	main().catch((err) => {
		say(`failed: ${err instanceof ScreenshotError || err.name === 'SettingsError' ? err.message : err.stack || err.message}`);
		process.exit(1);
	});
}

module.exports = { capture, ensureChromium, parseArgs };
