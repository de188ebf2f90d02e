'use strict';
/** scripts/lib/settings.js: the start settings every start path and script resolves from .env / the environment. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const settings = require('../../../scripts/lib/settings');

const ROOT = path.resolve(__dirname, '..', '..', '..');
let tmp;
beforeEach(() => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-test-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const mode = (file) => fs.statSync(file).mode & 0o777;

describe('user folder', () => {
	it('is .n8n-data in the project without any setting', () => {
		expect(settings.userFolderFrom({})).toBe(path.join(ROOT, '.n8n-data'));
	});

	it('N8N_USER_FOLDER (n8n\'s own variable) wins over N8N_DATA_DIR', () => {
		expect(settings.userFolderFrom({ N8N_USER_FOLDER: '/srv/n8n', N8N_DATA_DIR: 'other' })).toBe('/srv/n8n');
		expect(settings.userFolderFrom({ N8N_DATA_DIR: 'other' })).toBe(path.join(ROOT, 'other'));
	});

	it('a relative N8N_USER_FOLDER is taken from the project root; an empty one is not set', () => {
		expect(settings.userFolderFrom({ N8N_USER_FOLDER: 'data/n8n' })).toBe(path.join(ROOT, 'data', 'n8n'));
		expect(settings.userFolderFrom({ N8N_USER_FOLDER: '  ' })).toBe(path.join(ROOT, '.n8n-data'));
	});

	it('forStart puts the owner password into that folder', () => {
		const folder = path.join(tmp, 'mine');
		const s = settings.forStart({ N8N_USER_FOLDER: folder });
		expect(s.userFolder).toBe(folder);
		expect(s.owner.file).toBe(path.join(folder, 'owner-password'));
		expect(fs.existsSync(path.join(folder, 'owner-password'))).toBe(true);
	});
});

describe('listen address', () => {
	it('is 127.0.0.1 unless N8N_LISTEN_ADDRESS says otherwise', () => {
		expect(settings.listenAddressFrom({})).toBe('127.0.0.1');
		expect(settings.listenAddressFrom({ N8N_LISTEN_ADDRESS: '' })).toBe('127.0.0.1');
		expect(settings.listenAddressFrom({ N8N_LISTEN_ADDRESS: '0.0.0.0' })).toBe('0.0.0.0');
		expect(settings.forStart({ N8N_USER_FOLDER: tmp }).listenAddress).toBe('127.0.0.1');
	});

	it.each([
		['127.0.0.1', true],
		['127.8.9.10', true],
		['::1', true],
		['[::1]', true],
		['0:0:0:0:0:0:0:1', true],
		['::ffff:127.0.0.1', true],
		['localhost', true],
		['0.0.0.0', false],
		['::', false],
		['192.0.2.2', false],
		['fd00::2', false],
		['n8n.example.com', false],
	])('loopback(%s) = %s', (host, loopback) => {
		expect(settings.isLoopbackHost(host)).toBe(loopback);
	});
});

describe('webhook secret: the public demo secret only for the sandbox on loopback', () => {
	const refuse = (cfg) => expect(() => settings.forStart({ N8N_USER_FOLDER: tmp, ...cfg })).toThrow(settings.SettingsError);

	it('the sandbox (no keys, loopback) starts without a secret', () => {
		expect(settings.checkWebhookSecret({})).toEqual([]);
		expect(settings.checkWebhookSecret({ KLAVIYO_API_URL: 'http://127.0.0.1:5680', N8N_LISTEN_ADDRESS: '::1' })).toEqual([]);
	});

	it('a real Klaviyo key without SHOPIFY_WEBHOOK_SECRET is refused with a message naming it', () => {
		refuse({ KLAVIYO_PRIVATE_API_KEY: 'pk_live_123' });
		expect(() => settings.checkWebhookSecret({ KLAVIYO_PRIVATE_API_KEY: 'pk_live_123' })).toThrow(/SHOPIFY_WEBHOOK_SECRET is not set, but KLAVIYO_PRIVATE_API_KEY is set/);
	});

	it('the key is never echoed in the refusal', () => {
		let message = '';
		try {
			settings.checkWebhookSecret({ KLAVIYO_PRIVATE_API_KEY: 'pk_live_secret_value' });
		} catch (err) {
			message = err.message;
		}
		expect(message).toMatch(/SHOPIFY_WEBHOOK_SECRET/);
		expect(message).not.toContain('pk_live_secret_value');
	});

	it('a real shop (SHOPIFY_API_KEY, a non-loopback SHOPIFY_API_URL) is refused too; the local Shopify sandbox is not', () => {
		expect(() => settings.checkWebhookSecret({ SHOPIFY_API_KEY: 'shpat_real' })).toThrow(/SHOPIFY_WEBHOOK_SECRET is not set, but SHOPIFY_API_KEY is set/);
		expect(() => settings.checkWebhookSecret({ SHOPIFY_API_URL: 'https://my-store.myshopify.com' })).toThrow(/SHOPIFY_WEBHOOK_SECRET.*SHOPIFY_API_URL/);
		expect(settings.checkWebhookSecret({ SHOPIFY_API_URL: 'http://127.0.0.1:5681' })).toEqual([]);
	});

	it('a non-loopback KLAVIYO_API_URL, listen address or webhook URL is refused too', () => {
		expect(() => settings.checkWebhookSecret({ KLAVIYO_API_URL: 'https://a.klaviyo.com' })).toThrow(/SHOPIFY_WEBHOOK_SECRET.*KLAVIYO_API_URL/);
		expect(() => settings.checkWebhookSecret({ N8N_LISTEN_ADDRESS: '0.0.0.0' })).toThrow(/SHOPIFY_WEBHOOK_SECRET.*N8N_LISTEN_ADDRESS=0\.0\.0\.0/);
		expect(() => settings.checkWebhookSecret({ N8N_WEBHOOK_URL: 'https://shop-sync.example.com/' })).toThrow(/SHOPIFY_WEBHOOK_SECRET.*webhook URL/);
		expect(() => settings.checkWebhookSecret({ WEBHOOK_URL: 'https://shop-sync.example.com/' })).toThrow(/SHOPIFY_WEBHOOK_SECRET/);
	});

	it('the demo secret itself counts as no secret beyond the sandbox', () => {
		expect(() => settings.checkWebhookSecret({ KLAVIYO_PRIVATE_API_KEY: 'pk_live_123', SHOPIFY_WEBHOOK_SECRET: 'demo-webhook-secret' })).toThrow(/public demo secret/);
	});

	it('with a real secret every setting starts, and the reasons are reported', () => {
		const cfg = { KLAVIYO_PRIVATE_API_KEY: 'pk_live_123', SHOPIFY_WEBHOOK_SECRET: 'shpss_real', N8N_LISTEN_ADDRESS: '0.0.0.0' };
		expect(settings.checkWebhookSecret(cfg)).toHaveLength(2);
		expect(settings.forStart({ N8N_USER_FOLDER: tmp, ...cfg }).exposed).toHaveLength(2);
	});

	it('refuses before anything is written to the user folder', () => {
		const folder = path.join(tmp, 'refused');
		expect(() => settings.forStart({ N8N_USER_FOLDER: folder, KLAVIYO_PRIVATE_API_KEY: 'pk_live_123' })).toThrow(/SHOPIFY_WEBHOOK_SECRET/);
		expect(fs.existsSync(folder)).toBe(false);
	});
});

describe('owner password', () => {
	it('without N8N_OWNER_PASSWORD: generated on the first start, stored with mode 0600, reused afterwards', () => {
		const first = settings.ensureOwnerPassword({ userFolder: tmp });
		expect(first.source).toBe('generated');
		expect(first.file).toBe(path.join(tmp, 'owner-password'));
		expect(mode(first.file)).toBe(0o600);
		expect(fs.readFileSync(first.file, 'utf8').trim()).toBe(first.password);
		const again = settings.ensureOwnerPassword({ userFolder: tmp });
		expect(again).toEqual({ password: first.password, source: 'stored', file: first.file });
	});

	it('is stored 0600 even with a permissive umask', () => {
		const old = process.umask(0);
		try {
			const { file } = settings.ensureOwnerPassword({ userFolder: path.join(tmp, 'umask') });
			expect(mode(file)).toBe(0o600);
		} finally {
			process.umask(old);
		}
	});

	it('a stored file that others can read is tightened to 0600 when read', () => {
		const file = path.join(tmp, 'owner-password');
		fs.writeFileSync(file, 'Kept-Password-1\n');
		fs.chmodSync(file, 0o644);
		expect(settings.ensureOwnerPassword({ userFolder: tmp })).toMatchObject({ password: 'Kept-Password-1', source: 'stored' });
		expect(mode(file)).toBe(0o600);
	});

	it('is random and meets n8n\'s password rules (8+ characters, a digit, upper and lower case)', () => {
		const seen = new Set();
		for (let i = 0; i < 50; i++) {
			const p = settings.generatePassword();
			expect(p.length).toBeGreaterThanOrEqual(16);
			expect(p).toMatch(/[0-9]/);
			expect(p).toMatch(/[A-Z]/);
			expect(p).toMatch(/[a-z]/);
			seen.add(p);
		}
		expect(seen.size).toBe(50);
		const a = settings.ensureOwnerPassword({ userFolder: path.join(tmp, 'a') }).password;
		const b = settings.ensureOwnerPassword({ userFolder: path.join(tmp, 'b') }).password;
		expect(a).not.toBe(b);
	});

	it('N8N_OWNER_PASSWORD wins and is not written anywhere', () => {
		const got = settings.ensureOwnerPassword({ cfg: { N8N_OWNER_PASSWORD: 'Chosen-Password-9' }, userFolder: tmp });
		expect(got).toMatchObject({ password: 'Chosen-Password-9', source: 'N8N_OWNER_PASSWORD' });
		expect(fs.existsSync(path.join(tmp, 'owner-password'))).toBe(false);
	});

	it('the published default password is gone from the code', () => {
		const published = ['Shopify', 'Klaviyo', '1'].join('-');
		for (const file of ['scripts/lib/settings.js', 'scripts/lib/n8n.js', 'scripts/lib/launch.js', 'test/e2e/stack.js', 'bench/lib/common.js', 'scripts/screenshot.js', 'README.md']) {
			expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).not.toContain(published);
		}
		expect(settings.forStart({ N8N_USER_FOLDER: tmp }).owner.password).not.toBe(published);
	});

	it('scripts that log in read the stored password, and never create one', () => {
		expect(() => settings.ownerLogin({}, tmp)).toThrow(/owner-password does not exist/);
		expect(fs.existsSync(path.join(tmp, 'owner-password'))).toBe(false);
		const { password } = settings.forStart({ N8N_USER_FOLDER: tmp, N8N_OWNER_EMAIL: 'me@shop.example' }).owner;
		expect(settings.ownerLogin({ N8N_USER_FOLDER: tmp, N8N_OWNER_EMAIL: 'me@shop.example' })).toEqual({ email: 'me@shop.example', password });
		expect(settings.ownerLogin({ N8N_OWNER_PASSWORD: 'From-Env-2' }, tmp)).toEqual({ email: 'admin@example.com', password: 'From-Env-2' });
	});
});

describe('encryption key', () => {
	it('N8N_ENCRYPTION_KEY, else n8n\'s own key of an existing folder, else one generated once (0600)', () => {
		expect(settings.encryptionKeyFor({ cfg: { N8N_ENCRYPTION_KEY: 'given' }, userFolder: tmp })).toBe('given');
		const generated = settings.encryptionKeyFor({ userFolder: tmp });
		expect(generated).toMatch(/^[0-9a-f]{48}$/);
		expect(mode(path.join(tmp, 'encryption.key'))).toBe(0o600);
		expect(settings.encryptionKeyFor({ userFolder: tmp })).toBe(generated);
		const existing = path.join(tmp, 'existing');
		fs.mkdirSync(path.join(existing, '.n8n'), { recursive: true });
		fs.writeFileSync(path.join(existing, '.n8n', 'config'), JSON.stringify({ encryptionKey: 'n8n-own-key' }));
		expect(settings.encryptionKeyFor({ userFolder: existing })).toBe('n8n-own-key');
		expect(fs.existsSync(path.join(existing, 'encryption.key'))).toBe(false);
	});
});
