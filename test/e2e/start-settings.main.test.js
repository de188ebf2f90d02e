'use strict';
/**
 * `npm start` as a user runs it (scripts/start.js), with N8N_USER_FOLDER set to a folder of their own
 * and no Klaviyo key (the local sandbox): n8n listens on 127.0.0.1 only, the package, the credentials
 * and the workflow are in THAT folder (so /webhook/shopify answers a signed delivery), and the owner
 * logs in with the random password kept in <folder>/owner-password (mode 0600). And with a real
 * Klaviyo key but no SHOPIFY_WEBHOOK_SECRET, start refuses, naming the variable.
 *
 * Main mode only (a *.main.test.js: jest.config.js leaves it out of the queue pass): its own n8n on
 * E2E_N8N_PORT + 40, its Klaviyo sandbox on + 41 and its Shopify sandbox on + 42, beside the shared stack.
 */
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const { shopifyDeliveryHeaders, signShopifyBody } = require('../../scripts/lib/shopify-delivery');
const { spawn } = require('node:child_process');
const axios = require('axios');
const { parseDotenv } = require('../../scripts/lib/env');

const ROOT = path.resolve(__dirname, '..', '..');
const BASE = Number(process.env.E2E_N8N_PORT || 5700);
const PORT = BASE + 40;
const SANDBOX_PORT = BASE + 41;
const SHOPIFY_SANDBOX_PORT = BASE + 42;
const PACKAGE = require('../../package.json').name;
const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));

jest.setTimeout(300000);

/**
 * The environment of a user's shell: what this test sets, and nothing of the settings under test
 * inherited from the developer's shell or .env (variables given win over .env: an empty one unsets it).
 */
function userShell(vars) {
	const env = { ...process.env };
	const mine = ['N8N_USER_FOLDER', 'N8N_DATA_DIR', 'N8N_PORT', 'N8N_LISTEN_ADDRESS', 'N8N_WEBHOOK_URL', 'WEBHOOK_URL', 'N8N_OWNER_EMAIL', 'N8N_OWNER_PASSWORD', 'N8N_ENCRYPTION_KEY', 'KLAVIYO_PRIVATE_API_KEY', 'KLAVIYO_API_URL', 'KLAVIYO_SANDBOX_PORT', 'SHOPIFY_WEBHOOK_SECRET', 'SHOPIFY_SHOP_DOMAIN', 'SHOPIFY_API_KEY', 'SHOPIFY_API_URL', 'SHOPIFY_SANDBOX_PORT', 'DB_TYPE', 'EXECUTIONS_MODE'];
	for (const k of mine) delete env[k];
	const dotenv = path.join(ROOT, '.env');
	if (fs.existsSync(dotenv)) for (const k of Object.keys(parseDotenv(fs.readFileSync(dotenv, 'utf8')))) if (mine.includes(k) || /^(N8N_|DB_|QUEUE_|EXECUTIONS_)/.test(k)) env[k] = '';
	return { ...env, ...vars };
}

/** Run scripts/start.js; resolves once `until` matches its output, or when it exits. */
function runStart(env, until) {
	const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	const run = { child, output: '', exited: null };
	run.done = new Promise((resolve) => {
		const onData = (b) => {
			run.output += b;
			if (until && until.test(run.output)) resolve('ready');
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code, signal) => {
			run.exited = { code, signal };
			resolve('exited');
		});
	});
	return run;
}

function stop(run) {
	if (!run || run.exited) return Promise.resolve();
	return new Promise((resolve) => {
		const t = setTimeout(() => run.child.kill('SIGKILL'), 40000);
		run.child.once('exit', () => {
			clearTimeout(t);
			resolve();
		});
		run.child.kill('SIGTERM'); // start.js stops n8n and the sandbox
	});
}

/** Local addresses of the TCP sockets listening on `port` (Linux /proc/net/tcp and tcp6). */
function listeningAddresses(port) {
	const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
	const out = [];
	for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]]) {
		if (!fs.existsSync(file)) continue;
		for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
			const f = line.trim().split(/\s+/);
			if (f.length < 4 || f[3] !== '0A') continue; // 0A = LISTEN
			const [addr, p] = f[1].split(':');
			if (p !== hexPort) continue;
			if (!v6) out.push(Buffer.from(addr, 'hex').reverse().join('.'));
			else {
				// four little-endian 32-bit words
				const words = addr.match(/.{8}/g).map((w) => Buffer.from(w, 'hex').reverse().toString('hex'));
				out.push(words.join('').match(/.{4}/g).join(':'));
			}
		}
	}
	return out;
}

function connects(host, port) {
	return new Promise((resolve) => {
		const s = net.connect({ host, port, timeout: 3000 });
		s.on('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.on('error', () => resolve(false));
		s.on('timeout', () => {
			s.destroy();
			resolve(false);
		});
	});
}

describe('npm start with N8N_USER_FOLDER, the sandbox, and no public defaults', () => {
	let tmp;
	let folder;
	let run;
	const base = `http://127.0.0.1:${PORT}`;

	beforeAll(async () => {
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'start-settings-'));
		folder = path.join(tmp, 'my-n8n');
		run = runStart(userShell({ N8N_USER_FOLDER: folder, N8N_PORT: String(PORT), KLAVIYO_SANDBOX_PORT: String(SANDBOX_PORT), SHOPIFY_SANDBOX_PORT: String(SHOPIFY_SANDBOX_PORT), N8N_LOG_LEVEL: 'warn' }), /n8n-nodes-shopify-klaviyo is running/);
		const how = await run.done;
		fs.writeFileSync(path.join(tmp, 'start.log'), run.output);
		if (how !== 'ready') throw new Error(`npm start did not come up (${JSON.stringify(run.exited)}):\n${run.output.slice(-4000)}`);
	});

	afterAll(async () => {
		await stop(run);
		if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
	});

	it('n8n listens on 127.0.0.1 only', async () => {
		const addrs = listeningAddresses(PORT);
		expect(addrs).toEqual(['127.0.0.1']);
		const outside = Object.values(os.networkInterfaces())
			.flat()
			.find((i) => i && !i.internal && i.family === 'IPv4');
		if (outside) expect(await connects(outside.address, PORT)).toBe(false);
		expect(await connects('127.0.0.1', PORT)).toBe(true);
		expect(run.output).toMatch(new RegExp(`Listening on: +127\\.0\\.0\\.1:${PORT}`));
	});

	it('the package, encryption key, API key and setup state are in N8N_USER_FOLDER, where n8n runs', () => {
		const installed = path.join(folder, '.n8n', 'nodes', 'node_modules', PACKAGE, 'package.json');
		expect(JSON.parse(fs.readFileSync(installed, 'utf8')).name).toBe(PACKAGE);
		expect(fs.existsSync(path.join(folder, '.n8n', 'database.sqlite'))).toBe(true);
		for (const f of ['encryption.key', 'api-key.json', 'sync-setup.json', 'owner-password']) expect(fs.existsSync(path.join(folder, f))).toBe(true);
		const state = JSON.parse(fs.readFileSync(path.join(folder, 'sync-setup.json'), 'utf8'));
		expect(state.workflows['shopify-to-klaviyo.json'].id).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(run.output).not.toMatch(/Unrecognized node type/);
	});

	it('a signed delivery to /webhook/shopify is accepted and reaches the Klaviyo sandbox', async () => {
		const customer = { ...fixture('customer-blueprint.json'), id: 777000111, email: 'start-settings@example.com' };
		const raw = JSON.stringify(customer);
		const headers = {
			'content-type': 'application/json',
			...shopifyDeliveryHeaders({ topic: 'customers/create', shop: 'demo-store.myshopify.com', secret: 'demo-webhook-secret', body: raw }),
		};
		const res = await axios.post(`${base}/webhook/shopify`, raw, { headers, validateStatus: () => true, transformRequest: [(d) => d] });
		expect(res.status).toBe(200);
		const forged = await axios.post(`${base}/webhook/shopify`, raw, { headers: { ...headers, 'x-shopify-hmac-sha256': signShopifyBody('wrong', raw) }, validateStatus: () => true, transformRequest: [(d) => d] });
		expect(forged.status).toBe(401);
		const deadline = Date.now() + 60000;
		let profiles = [];
		while (Date.now() < deadline) {
			profiles = (await axios.get(`http://127.0.0.1:${SANDBOX_PORT}/__admin/state`)).data.profiles;
			if (profiles.some((p) => p.email === customer.email)) break;
			await new Promise((r) => setTimeout(r, 500));
		}
		expect(profiles.map((p) => p.email)).toContain(customer.email);
	});

	it('the owner password is random, kept 0600 in the folder, printed once, and logs in', async () => {
		const file = path.join(folder, 'owner-password');
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		const password = fs.readFileSync(file, 'utf8').trim();
		expect(password.length).toBeGreaterThanOrEqual(16);
		expect(run.output.split(password).length - 1).toBe(1); // the banner, nowhere else
		expect(run.output).toContain(`admin@example.com / ${password}`);
		const login = (pw) => axios.post(`${base}/rest/login`, { emailOrLdapLoginId: 'admin@example.com', password: pw }, { headers: { 'browser-id': crypto.randomUUID() }, validateStatus: () => true });
		expect((await login(password)).status).toBe(200);
		expect((await login(['Shopify', 'Klaviyo', '1'].join('-'))).status).toBe(401);
	});

	it('refuses to start with a real Klaviyo key and no SHOPIFY_WEBHOOK_SECRET, naming the variable', async () => {
		const other = path.join(tmp, 'refused');
		const refused = runStart(userShell({ N8N_USER_FOLDER: other, N8N_PORT: String(PORT + 3), SHOPIFY_SANDBOX_PORT: String(SHOPIFY_SANDBOX_PORT + 2), KLAVIYO_PRIVATE_API_KEY: 'pk_live_not_a_real_key_0123' }));
		expect(await refused.done).toBe('exited');
		expect(refused.exited.code).toBe(1);
		expect(refused.output).toMatch(/ERROR: SHOPIFY_WEBHOOK_SECRET is not set, but KLAVIYO_PRIVATE_API_KEY is set/);
		expect(refused.output).not.toContain('pk_live_not_a_real_key_0123');
		expect(refused.output).not.toMatch(/building the package|starting n8n/); // refused before anything started
		expect(fs.existsSync(other)).toBe(false);
	});
});
