'use strict';
/**
 * The ONE place that turns `.env` / the environment into the settings every start path uses —
 * `npm start`, `npm run start:queue`, the e2e/bench stack — and the scripts that talk to a running
 * n8n (replay, demo, screenshot, bench) read back:
 *
 *  - user folder: `N8N_USER_FOLDER` (n8n's own variable; `N8N_DATA_DIR` is this project's older name
 *    for it), else `.n8n-data/` in the project. Everything lives there: n8n's data (`.n8n/`: SQLite,
 *    the installed package in `.n8n/nodes`), the encryption key, the owner password, the API key and
 *    the ids of what the setup created (`sync-setup.json`).
 *  - listen address: `127.0.0.1` unless `N8N_LISTEN_ADDRESS` says otherwise.
 *  - owner password: `N8N_OWNER_PASSWORD`, else one generated at random on the first start and kept
 *    in `<user folder>/owner-password` (mode 0600), reused afterwards. No published default.
 *  - refusal: a real Klaviyo account (a key, or a KLAVIYO_API_URL that is not loopback), a real shop
 *    (SHOPIFY_API_KEY, or a SHOPIFY_API_URL that is not loopback), an n8n reachable beyond loopback, or
 *    a public webhook URL needs SHOPIFY_WEBHOOK_SECRET; only the sandboxes on loopback may use the
 *    public demo secret.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_USER_FOLDER = '.n8n-data';
const DEFAULT_PORT = 5678;
const DEFAULT_LISTEN_ADDRESS = '127.0.0.1';
const DEFAULT_OWNER_EMAIL = 'admin@example.com';
/** The sandbox's signing secret: public (it is in this file), so accepted only for the sandbox on loopback. */
const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret';
const OWNER_PASSWORD_FILE = 'owner-password';

/** A start refused because of its settings: the message names the variable to set. */
class SettingsError extends Error {
	constructor(message) {
		super(message);
		this.name = 'SettingsError';
	}
}

const given = (v) => v !== undefined && v !== null && String(v).trim() !== '';

/** Absolute user folder: N8N_USER_FOLDER, else N8N_DATA_DIR, else .n8n-data (relative paths from the project root). */
function userFolderFrom(cfg, root = ROOT) {
	const v = given(cfg.N8N_USER_FOLDER) ? cfg.N8N_USER_FOLDER : given(cfg.N8N_DATA_DIR) ? cfg.N8N_DATA_DIR : DEFAULT_USER_FOLDER;
	return path.resolve(root, String(v).trim());
}

function portFrom(cfg) {
	return Number(given(cfg.N8N_PORT) ? cfg.N8N_PORT : DEFAULT_PORT);
}

function listenAddressFrom(cfg) {
	return given(cfg.N8N_LISTEN_ADDRESS) ? String(cfg.N8N_LISTEN_ADDRESS).trim() : DEFAULT_LISTEN_ADDRESS;
}

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4'); // also matches IPv4-mapped IPv6 (::ffff:127.0.0.1)
LOOPBACK.addAddress('::1', 'ipv6');

/** true for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost (not 0.0.0.0 / ::). */
function isLoopbackHost(host) {
	const h = String(host || '').trim().toLowerCase().replace(/^\[|\]$/g, '');
	if (h === 'localhost' || h.endsWith('.localhost')) return true;
	if (net.isIPv4(h)) return LOOPBACK.check(h, 'ipv4');
	if (net.isIPv6(h)) return LOOPBACK.check(h, 'ipv6');
	return false;
}

function isLoopbackUrl(url) {
	try {
		return isLoopbackHost(new URL(String(url)).hostname);
	} catch {
		return false;
	}
}

/** The public base URL n8n gives out for webhooks, if the user set one (N8N_WEBHOOK_URL, or n8n's older WEBHOOK_URL). */
function webhookUrlFrom(cfg) {
	if (given(cfg.N8N_WEBHOOK_URL)) return String(cfg.N8N_WEBHOOK_URL).trim();
	if (given(cfg.WEBHOOK_URL)) return String(cfg.WEBHOOK_URL).trim();
	return undefined;
}

/**
 * Why this start talks to, or can be reached from, more than this machine (empty: the local sandbox on
 * loopback). Each reason names the setting that causes it.
 */
function exposureReasons(cfg) {
	const reasons = [];
	if (given(cfg.KLAVIYO_PRIVATE_API_KEY)) reasons.push('KLAVIYO_PRIVATE_API_KEY is set (a real Klaviyo account)');
	if (given(cfg.KLAVIYO_API_URL) && !isLoopbackUrl(cfg.KLAVIYO_API_URL)) reasons.push(`KLAVIYO_API_URL (${cfg.KLAVIYO_API_URL}) is not on this machine`);
	if (given(cfg.SHOPIFY_API_KEY)) reasons.push('SHOPIFY_API_KEY is set (a real shop, whose webhooks the trigger registers)');
	if (given(cfg.SHOPIFY_API_URL) && !isLoopbackUrl(cfg.SHOPIFY_API_URL)) reasons.push(`SHOPIFY_API_URL (${cfg.SHOPIFY_API_URL}) is not on this machine`);
	const listen = listenAddressFrom(cfg);
	if (!isLoopbackHost(listen)) reasons.push(`N8N_LISTEN_ADDRESS=${listen} lets other machines reach n8n`);
	const hook = webhookUrlFrom(cfg);
	if (hook && !isLoopbackUrl(hook)) reasons.push(`the webhook URL ${hook} is public`);
	return reasons;
}

/**
 * Refuse a start that would guard a real account or a reachable webhook with the public demo secret.
 * Throws a SettingsError naming SHOPIFY_WEBHOOK_SECRET; returns the reasons (empty for the sandbox).
 */
function checkWebhookSecret(cfg) {
	const reasons = exposureReasons(cfg);
	const secret = given(cfg.SHOPIFY_WEBHOOK_SECRET) ? String(cfg.SHOPIFY_WEBHOOK_SECRET) : '';
	if (reasons.length && (!secret || secret === DEMO_WEBHOOK_SECRET)) {
		throw new SettingsError(
			`SHOPIFY_WEBHOOK_SECRET is ${secret ? `the public demo secret "${DEMO_WEBHOOK_SECRET}"` : 'not set'}, but ${reasons.join('; ')}. ` +
				'Anyone could sign Shopify deliveries with the demo secret, so npm start refuses: set SHOPIFY_WEBHOOK_SECRET in .env to your ' +
				"Shopify webhook signing secret (your app's API secret key, or the key under Settings → Notifications → Webhooks). " +
				'Without Klaviyo and Shopify keys and on 127.0.0.1, npm start runs the local sandboxes with the demo secret.',
		);
	}
	return reasons;
}

function ownerPasswordFile(userFolder) {
	return path.join(userFolder, OWNER_PASSWORD_FILE);
}

/** A random password n8n's own rules accept (8–64 characters, a digit, an upper- and a lower-case letter). */
function generatePassword() {
	for (;;) {
		const p = crypto.randomBytes(18).toString('base64url'); // 24 characters, 144 bits
		if (/[0-9]/.test(p) && /[A-Z]/.test(p) && /[a-z]/.test(p)) return p;
	}
}

/** The password kept in the user folder, or undefined. Tightens the file to 0600 if it was looser. */
function storedOwnerPassword(userFolder) {
	const file = ownerPasswordFile(userFolder);
	if (!fs.existsSync(file)) return undefined;
	if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
	const password = fs.readFileSync(file, 'utf8').trim();
	return password || undefined;
}

/**
 * The owner's password for a start: N8N_OWNER_PASSWORD, else the stored one, else a new random one
 * written to <userFolder>/owner-password (mode 0600). Returns { password, source, file } with source
 * 'N8N_OWNER_PASSWORD' | 'stored' | 'generated' (print it only when 'generated').
 */
function ensureOwnerPassword({ cfg = {}, userFolder }) {
	const file = ownerPasswordFile(userFolder);
	if (given(cfg.N8N_OWNER_PASSWORD)) return { password: String(cfg.N8N_OWNER_PASSWORD), source: 'N8N_OWNER_PASSWORD', file };
	const stored = storedOwnerPassword(userFolder);
	if (stored) return { password: stored, source: 'stored', file };
	fs.mkdirSync(userFolder, { recursive: true });
	const password = generatePassword();
	fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
	fs.chmodSync(file, 0o600); // whatever the umask
	return { password, source: 'generated', file };
}

/**
 * The login of a running n8n started from these settings (for scripts that log in: screenshot, bench):
 * never creates a password. Throws naming the file when there is none.
 */
function ownerLogin(cfg = {}, userFolder = userFolderFrom(cfg)) {
	const email = given(cfg.N8N_OWNER_EMAIL) ? String(cfg.N8N_OWNER_EMAIL).trim() : DEFAULT_OWNER_EMAIL;
	if (given(cfg.N8N_OWNER_PASSWORD)) return { email, password: String(cfg.N8N_OWNER_PASSWORD) };
	const password = storedOwnerPassword(userFolder);
	if (!password) throw new SettingsError(`no owner password: ${ownerPasswordFile(userFolder)} does not exist (start n8n with npm start first, or set N8N_OWNER_PASSWORD)`);
	return { email, password };
}

/**
 * n8n's encryption key for the folder: N8N_ENCRYPTION_KEY, else the one n8n already keeps in
 * <userFolder>/.n8n/config (an existing n8n folder), else <userFolder>/encryption.key (generated once).
 */
function encryptionKeyFor({ cfg = {}, userFolder }) {
	if (given(cfg.N8N_ENCRYPTION_KEY)) return String(cfg.N8N_ENCRYPTION_KEY);
	const n8nConfig = path.join(userFolder, '.n8n', 'config');
	if (fs.existsSync(n8nConfig)) {
		try {
			const key = JSON.parse(fs.readFileSync(n8nConfig, 'utf8')).encryptionKey;
			if (key) return key;
		} catch {
			// not JSON: fall through to our own key file
		}
	}
	fs.mkdirSync(userFolder, { recursive: true });
	const file = path.join(userFolder, 'encryption.key');
	if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(24).toString('hex'), { mode: 0o600 });
	return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Everything `npm start` / `start:queue` need, refusing unsafe settings before anything starts:
 * { userFolder, port, listenAddress, webhookUrl, owner: { email, password, source, file }, exposed }.
 * Creates the owner password on the first start.
 */
function forStart(cfg, { root = ROOT } = {}) {
	const port = portFrom(cfg);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SettingsError(`N8N_PORT must be a port number (1–65535), got "${cfg.N8N_PORT}"`);
	const exposed = checkWebhookSecret(cfg);
	const userFolder = userFolderFrom(cfg, root);
	const owner = { email: given(cfg.N8N_OWNER_EMAIL) ? String(cfg.N8N_OWNER_EMAIL).trim() : DEFAULT_OWNER_EMAIL, ...ensureOwnerPassword({ cfg, userFolder }) };
	return { userFolder, port, listenAddress: listenAddressFrom(cfg), webhookUrl: webhookUrlFrom(cfg), owner, exposed };
}

module.exports = {
	forStart,
	userFolderFrom,
	portFrom,
	listenAddressFrom,
	webhookUrlFrom,
	isLoopbackHost,
	isLoopbackUrl,
	exposureReasons,
	checkWebhookSecret,
	ensureOwnerPassword,
	storedOwnerPassword,
	ownerPasswordFile,
	ownerLogin,
	generatePassword,
	encryptionKeyFor,
	SettingsError,
	DEFAULT_USER_FOLDER,
	DEFAULT_LISTEN_ADDRESS,
	DEFAULT_OWNER_EMAIL,
	DEMO_WEBHOOK_SECRET,
	OWNER_PASSWORD_FILE,
};
