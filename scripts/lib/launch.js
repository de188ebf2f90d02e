'use strict';
/**
 * What `npm start` and `npm run start:queue` share: the build, the Klaviyo sandbox when no key is
 * given, n8n's environment for the user's folder, the import of changed workflows, provisioning and
 * the banner. Each script keeps only what its mode adds (queue mode: Redis and workers).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const n8n = require('./n8n');
const { provision, DEAD_LETTER_TABLE } = require('./provision');

const ROOT = n8n.ROOT;
const WORKFLOWS = path.join(ROOT, 'workflows');
const SYNC_WORKFLOW_FILE = path.join(WORKFLOWS, 'shopify-to-klaviyo.json');
const PUBLISHED = [
	['shopify-to-klaviyo.json', n8n.IDS.syncWorkflow],
	['klaviyo-dead-letter.json', n8n.IDS.deadLetterWorkflow],
	['klaviyo-dead-letter-replay.json', n8n.IDS.replayWorkflow],
];

const fileHash = (p) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');

function buildPackage(say) {
	say('building the package');
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');
}

/** Without a Klaviyo key or URL: the local Klaviyo sandbox (the project's fake Klaviyo), else undefined. */
async function startSandboxIfNeeded(cfg, say) {
	if (cfg.KLAVIYO_API_URL || cfg.KLAVIYO_PRIVATE_API_KEY) return undefined;
	const sandboxPort = Number(cfg.KLAVIYO_SANDBOX_PORT || 5680);
	const { createFakeKlaviyo } = require(path.join(ROOT, 'test', 'fake-klaviyo', 'server.js'));
	const sandbox = createFakeKlaviyo({ rateLimits: true });
	const { url } = await sandbox.start(sandboxPort);
	cfg.KLAVIYO_API_URL = url;
	say(`no Klaviyo key: using the local Klaviyo sandbox at ${url} (state: ${url}/__admin/summary)`);
	return sandbox;
}

function ownerPassword(cfg) {
	return cfg.N8N_OWNER_PASSWORD || n8n.DEFAULT_OWNER.password;
}

/** n8n's own settings given in .env (N8N_*, EXECUTIONS_*, DB_*, QUEUE_*) reach n8n like exported ones. */
function n8nSettingsFrom(cfg) {
	// N8N_OWNER_* are this project's (the owner login), not n8n's: the password stays out of n8n's env
	return Object.fromEntries(Object.entries(cfg).filter(([k]) => /^(N8N_|EXECUTIONS_|DB_|QUEUE_)/.test(k) && !k.startsWith('N8N_OWNER_')));
}

/** n8n's environment for the user's folder: owner, listen address and webhook URL from .env. */
function userEnv({ runtime, cfg, userFolder, port, extra = {} }) {
	return n8n.n8nEnv({
		runtime,
		userFolder,
		port,
		encryptionKey: cfg.N8N_ENCRYPTION_KEY || n8n.encryptionKeyFor(userFolder),
		owner: { ...n8n.DEFAULT_OWNER, email: cfg.N8N_OWNER_EMAIL || n8n.DEFAULT_OWNER.email, password: ownerPassword(cfg) },
		extra: {
			...n8nSettingsFrom(cfg),
			// n8n's isolated expression engine, but an isolate only for executions that evaluate an
			// expression: the sync evaluates none, and an isolate per execution costs about half of
			// n8n's throughput on 2 cores (bench/RESULTS.md). Set it to false in .env to get n8n's default.
			N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: cfg.N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE || 'true',
			N8N_LISTEN_ADDRESS: cfg.N8N_LISTEN_ADDRESS || '0.0.0.0',
			...(cfg.N8N_WEBHOOK_URL ? { N8N_WEBHOOK_URL: cfg.N8N_WEBHOOK_URL } : {}),
			...extra,
		},
	});
}

/**
 * Package, credentials, and the shipped workflows — imported and published only when a shipped file
 * changed since the last import, so edits made in the editor survive restarts. n8n must be stopped.
 */
async function prepareUserFolder({ runtime, env, cfg, userFolder, port, say }) {
	const stateFile = path.join(userFolder, 'imported-workflows.json');
	const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
	const files = fs.existsSync(WORKFLOWS) ? fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json')) : [];
	const hashes = Object.fromEntries(files.map((f) => [f, fileHash(path.join(WORKFLOWS, f))]));
	const changed = files.filter((f) => state[f] !== hashes[f]);
	const publish = changed.length ? PUBLISHED.filter(([f]) => files.includes(f)).map(([, id]) => id) : [];
	say(`preparing n8n in ${path.relative(ROOT, userFolder)}/ (package, credentials${changed.length ? `, ${changed.length} workflow(s)` : ''})`);
	await n8n.prepare({
		runtime,
		env,
		userFolder,
		credentials: n8n.credentialsFromEnv(cfg, { userFolder, port }),
		workflowsDir: changed.length ? WORKFLOWS : path.join(userFolder, 'no-workflows'),
		publish,
	});
	fs.writeFileSync(stateFile, JSON.stringify(hashes, null, 2));
}

/** Once n8n answers: the API key, the dead-letter table and the n8n API credential. */
async function provisionRunning({ env, cfg, userFolder, port }) {
	await provision({
		baseUrl: `http://127.0.0.1:${port}`,
		port,
		userFolder,
		owner: { email: env.N8N_INSTANCE_OWNER_EMAIL, password: ownerPassword(cfg) },
		n8nApiCredentialId: n8n.IDS.n8nApiCredential,
	});
}

function printBanner({ title, env, cfg, port, sandbox, extraLines = [] }) {
	const base = `http://localhost:${port}`;
	const lines = [
		'',
		`  ${title}`,
		`  Editor:               ${base}/`,
		`  Log in as:            ${env.N8N_INSTANCE_OWNER_EMAIL} / ${cfg.N8N_OWNER_PASSWORD ? '(N8N_OWNER_PASSWORD)' : n8n.DEFAULT_OWNER.password}`,
		`  Shopify webhook URL:  ${base}/webhook/shopify`,
		`  Klaviyo:              ${cfg.KLAVIYO_API_URL || 'https://a.klaviyo.com'}${sandbox ? '  (local sandbox)' : ''}`,
		...extraLines,
		`  Dead letters:         Data Table "${DEAD_LETTER_TABLE}" (Overview → Data tables); replay: npm run replay`,
		'  Try it:               npm run demo   (in a second terminal)',
		'  Stop:                 Ctrl-C',
		'',
	];
	process.stderr.write(lines.join('\n') + '\n');
}

/** The production webhook to wait for before saying "ready". */
const readyWebhook = () => (fs.existsSync(SYNC_WORKFLOW_FILE) ? 'shopify' : undefined);

module.exports = { buildPackage, startSandboxIfNeeded, userEnv, prepareUserFolder, provisionRunning, printBanner, readyWebhook };
