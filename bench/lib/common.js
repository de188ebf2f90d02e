'use strict';
/**
 * Shared pieces of the n8n benchmarks (bench/webhook.js, drain.js, hand-built.js, queue.js, run.js):
 * realistic signed order deliveries, a keep-alive HTTP load generator, the stack with guaranteed
 * clean-up, importing extra workflows into a running n8n, the fake Klaviyo's admin API, the machine
 * description and bench/out/ files. Not a benchmark itself.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { shopifyDeliveryHeaders } = require('../../scripts/lib/shopify-delivery');
const { execSync } = require('node:child_process');
const axios = require('axios');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.join(ROOT, 'bench', 'out');
const BLUEPRINT = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'shopify', 'order-blueprint.json'), 'utf8'));

/** Klaviyo's documented limits for POST /api/events (and what the fake enforces). */
const EVENTS_LIMIT = { burstPerSecond: 350, steadyPerMinute: 3500 };

/** n8n settings compared by the benchmarks (env for the n8n process). */
const SETTINGS = {
	defaults: {},
	'save-none': { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' },
	tuned: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_EXPRESSION_ENGINE: 'legacy' },
	// keeps the isolated `vm` engine but creates an isolate only when an expression is evaluated
	// (our sync workflow has none; n8n skips the isolate in the webhook phase only for its own Webhook node)
	lazy: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	// keeps the isolated `vm` engine with more warm isolates (n8n's default pool is 1; an execution
	// that finds the pool empty cold-starts an isolate)
	pool16: { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_EXPRESSION_ENGINE_POOL_SIZE: '16' },
	// main mode: an execution waits for a slot *before* the webhook is answered (ActiveExecutions.add)
	'tuned-limit20': { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_EXPRESSION_ENGINE: 'legacy', N8N_CONCURRENCY_PRODUCTION_LIMIT: '20' },
};

function log(msg) {
	process.stderr.write(`[bench] ${msg}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Number from env or `--flag value` / `--flag=value` on the command line. */
function option(flag, envName, fallback) {
	const argv = process.argv.slice(2);
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === `--${flag}` && argv[i + 1] !== undefined) return parseValue(argv[i + 1], fallback);
		if (argv[i].startsWith(`--${flag}=`)) return parseValue(argv[i].slice(flag.length + 3), fallback);
	}
	if (envName && process.env[envName] !== undefined && process.env[envName] !== '') return parseValue(process.env[envName], fallback);
	return fallback;
}
function parseValue(v, fallback) {
	if (typeof fallback === 'number') return Number(v);
	if (Array.isArray(fallback)) return String(v).split(',').map((s) => s.trim()).filter(Boolean);
	return v;
}

// ------------------------------------------------------------------------------------------------
// Orders
// ------------------------------------------------------------------------------------------------

/** A different order id range for every run, so nothing collides with an earlier run's state. */
function runBase() {
	return 6_000_000_000_000 + (Math.floor(Date.now() / 1000) % 1_000_000) * 10_000;
}

/**
 * The blueprint order (test/fixtures/shopify/order-blueprint.json) with ids, number, email, time
 * and line-item ids varied per index: realistic size (≈0.6 KB, 2 line items → 3 Klaviyo events).
 */
function makeOrder(base, i) {
	const id = base + i;
	const order = JSON.parse(JSON.stringify(BLUEPRINT));
	order.id = id;
	order.order_number = 1001 + i;
	order.name = `#${1001 + i}`;
	order.email = `customer-${id}@example.com`;
	order.created_at = new Date(Date.now() - 3600_000 + i * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
	order.line_items = order.line_items.map((line, k) => ({ ...line, id: id * 10 + k + 1 }));
	return order;
}

/** The unique_ids our mapper gives an orders/create, by the built mapper's own recipe (mapping/ids.ts). */
function expectedUniqueIds(order) {
	const { uniqueIds } = require('../../dist/nodes/ShopifyToKlaviyo/mapping/ids');
	const id = String(order.id);
	return [uniqueIds.orderPlaced(id), ...order.line_items.map((l) => uniqueIds.orderedProduct(id, String(l.id)))];
}

/** A signed orders/create delivery exactly as Shopify sends it. */
function delivery(order, { secret, shop }) {
	const body = Buffer.from(JSON.stringify(order));
	return {
		body,
		headers: {
			'content-type': 'application/json',
			'content-length': String(body.length),
			...shopifyDeliveryHeaders({ topic: 'orders/create', shop, secret, body }),
		},
	};
}

// ------------------------------------------------------------------------------------------------
// HTTP load
// ------------------------------------------------------------------------------------------------

function post(agent, url, { body, headers }, timeoutMs = 60000) {
	return new Promise((resolve) => {
		const started = process.hrtime.bigint();
		const req = http.request(url, { method: 'POST', agent, headers, timeout: timeoutMs }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', (e) => resolve({ status: 0, error: e.code || e.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
		req.end(body);
	});
}

function percentile(sorted, p) {
	if (!sorted.length) return null;
	const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[idx];
}

function latencyStats(ms) {
	const s = [...ms].sort((a, b) => a - b);
	const r = (v) => (v === null ? null : Math.round(v * 10) / 10);
	return { p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s[s.length - 1] ?? null) };
}

/**
 * Closed-loop load: `concurrency` clients, each sending the next delivery as soon as the previous
 * one is answered, over one keep-alive agent. Requests started during the first `warmupSeconds` are
 * not counted; then requests completed within `seconds` are.
 */
async function fixedDurationLoad({ url, next, concurrency, seconds, warmupSeconds = 3 }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	let measureStart = 0;
	let measureEnd = 0;
	const lat = [];
	const statuses = {};
	let stop = false;
	let allOk = 0;
	const worker = async () => {
		while (!stop) {
			const r = await post(agent, url, next());
			const end = Date.now();
			if (r.status === 200) allOk++;
			// throughput = answers received within the window (whenever the request started)
			if (measureStart && end >= measureStart && end <= measureEnd) {
				lat.push(r.ms);
				statuses[r.status || r.error] = (statuses[r.status || r.error] || 0) + 1;
			}
		}
	};
	const timer = (async () => {
		await sleep(warmupSeconds * 1000);
		measureStart = Date.now();
		measureEnd = measureStart + seconds * 1000;
		await sleep(seconds * 1000);
		stop = true;
	})();
	await Promise.all([timer, ...Array.from({ length: concurrency }, worker)]);
	agent.destroy();
	const ok = statuses[200] || 0;
	return {
		concurrency,
		seconds,
		requests: lat.length,
		ok,
		allOk,
		statuses,
		rps: Math.round((ok / seconds) * 10) / 10,
		latencyMs: latencyStats(lat),
	};
}

/** Send every delivery once, `concurrency` at a time, as fast as the server accepts them. */
async function sendAll({ url, deliveries, concurrency }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const lat = [];
	const statuses = {};
	const failed = [];
	let i = 0;
	const t0 = Date.now();
	const worker = async () => {
		while (i < deliveries.length) {
			const idx = i++;
			const r = await post(agent, url, deliveries[idx], 120000);
			lat.push(r.ms);
			statuses[r.status || r.error] = (statuses[r.status || r.error] || 0) + 1;
			if (r.status !== 200) failed.push(idx);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	agent.destroy();
	const seconds = (Date.now() - t0) / 1000;
	return {
		startedAt: t0,
		seconds: Math.round(seconds * 10) / 10,
		sent: deliveries.length,
		statuses,
		failed,
		acceptedPerSecond: Math.round(((statuses[200] || 0) / seconds) * 10) / 10,
		latencyMs: latencyStats(lat),
	};
}

// ------------------------------------------------------------------------------------------------
// Stack, n8n API, fake Klaviyo
// ------------------------------------------------------------------------------------------------

const running = new Set();
let handlersInstalled = false;
function installSignalHandlers() {
	if (handlersInstalled) return;
	handlersInstalled = true;
	const onSignal = (sig) => {
		log(`${sig}: stopping ${running.size} stack(s)`);
		Promise.allSettled([...running].map((s) => s.stop())).finally(() => process.exit(130));
	};
	process.once('SIGINT', () => onSignal('SIGINT'));
	process.once('SIGTERM', () => onSignal('SIGTERM'));
}

/**
 * Start a stack (test/e2e/stack.js), run `fn(stack)`, always stop it (also on errors and Ctrl-C).
 * `opts` goes to startStack as is (name, port, klaviyoPort, klaviyoArgs, n8nEnv, mode, workers).
 */
async function withStack(opts, fn) {
	installSignalHandlers();
	const { startStack } = require('../../test/e2e/stack');
	if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	log(`starting stack ${opts.name} (n8n :${opts.port}, fake Klaviyo :${opts.klaviyoPort}${opts.mode ? `, ${opts.mode} mode, ${opts.workers} worker(s)` : ''})`);
	const stack = await startStack(opts);
	running.add(stack);
	try {
		return await fn(stack);
	} finally {
		running.delete(stack);
		log(`stopping stack ${opts.name}`);
		await stack.stop();
	}
}

/** Log in as the owner (the stack's generated password) and create a public-API key that may create and publish workflows. */
async function workflowApiKey(info) {
	const { ownerLogin } = require('../../scripts/lib/settings');
	const { login, createApiKey } = require('../../scripts/lib/provision');
	const baseUrl = info.baseUrl;
	const session = await login(baseUrl, ownerLogin({}, info.userFolder));
	const scopes = ['workflow:create', 'workflow:read', 'workflow:list', 'workflow:activate', 'execution:read', 'execution:list'];
	return createApiKey(baseUrl, session, `bench-${Date.now()}`, scopes);
}

/** Create and publish a workflow (JSON as exported) in a running n8n; waits for its webhook. */
async function importWorkflow(info, workflow, { webhookPath } = {}) {
	const key = info.benchApiKey || (info.benchApiKey = await workflowApiKey(info));
	const headers = { 'X-N8N-API-KEY': key };
	const body = { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings || {} };
	const created = await axios.post(`${info.baseUrl}/api/v1/workflows`, body, { headers });
	const id = created.data.id;
	await axios.post(`${info.baseUrl}/api/v1/workflows/${id}/activate`, {}, { headers });
	if (webhookPath) {
		const { waitFor, httpGet } = require('../../scripts/lib/n8n');
		await waitFor(
			async () => {
				const r = await httpGet(`${info.baseUrl}/webhook/${webhookPath}`);
				return /POST request/.test(r.body) || (r.status !== 404 && r.status !== 0);
			},
			{ timeoutMs: 30000, what: `webhook /webhook/${webhookPath}` },
		);
	}
	return id;
}

async function executionCount(info, workflowId, status) {
	const key = info.benchApiKey || (info.benchApiKey = await workflowApiKey(info));
	let n = 0;
	let cursor;
	do {
		const res = await axios.get(`${info.baseUrl}/api/v1/executions`, {
			headers: { 'X-N8N-API-KEY': key },
			params: { workflowId, status, limit: 250, cursor, includeData: false },
		});
		n += res.data.data.length;
		cursor = res.data.nextCursor;
	} while (cursor);
	return n;
}

/** true when n8n has no running or queued execution (public API; false if it cannot tell). */
async function n8nIdle(info) {
	try {
		const key = info.benchApiKey || (info.benchApiKey = await workflowApiKey(info));
		for (const status of ['running', 'new']) {
			const res = await axios.get(`${info.baseUrl}/api/v1/executions`, { headers: { 'X-N8N-API-KEY': key }, params: { status, limit: 1 } });
			if (res.data.data.length) return false;
		}
		return true;
	} catch {
		return false;
	}
}

const fake = {
	async state(url) {
		return (await axios.get(`${url}/__admin/state`, { maxContentLength: Infinity, maxBodyLength: Infinity })).data;
	},
	async reset(url) {
		await axios.post(`${url}/__admin/reset`);
	},
	async config(url, cfg) {
		return (await axios.post(`${url}/__admin/config`, cfg)).data;
	},
	/** When the newest stored event was received (ms since epoch; 0 when none). */
	async lastEventAt(url) {
		let last = 0;
		for (const e of (await fake.state(url)).events) last = Math.max(last, Date.parse(e.receivedAt));
		return last;
	},
	/** Events stored so far (cheap enough to poll every few seconds for ≤ 20 000 events). */
	async eventCount(url) {
		return (await fake.state(url)).counts.events;
	},
};

/**
 * Poll until `count()` reaches `expected`, or nothing new arrived for `stallSeconds`
 * (Klaviyo's per-minute window can legitimately pause sending for up to ~60 s), or `maxSeconds`,
 * or nothing new arrived for `idleSeconds` and `idle()` says n8n has no execution left.
 */
async function waitForCount(count, { expected, stallSeconds = 90, maxSeconds = 1800, intervalMs = 2000, label = 'events', idle, idleSeconds = 10 }) {
	const start = Date.now();
	let last = -1;
	let lastChange = Date.now();
	let lastLog = 0;
	for (;;) {
		const n = await count();
		if (n !== last) {
			last = n;
			lastChange = Date.now();
		}
		if (Date.now() - lastLog > 15000) {
			lastLog = Date.now();
			log(`  ${label}: ${n}/${expected} after ${Math.round((Date.now() - start) / 1000)} s`);
		}
		if (n >= expected) return { reached: true, count: n };
		if (idle && Date.now() - lastChange > idleSeconds * 1000 && (await idle())) return { reached: false, count: n, reason: `n8n idle, no progress for ${idleSeconds} s` };
		if (Date.now() - lastChange > stallSeconds * 1000) return { reached: false, count: n, reason: `no progress for ${stallSeconds} s` };
		if (Date.now() - start > maxSeconds * 1000) return { reached: false, count: n, reason: `gave up after ${maxSeconds} s` };
		await sleep(intervalMs);
	}
}

/**
 * The fastest possible acceptance of `n` requests from t=0 under a sliding-window limit of
 * `burst` per 1 s and `steady` per 60 s (what the fake and Klaviyo enforce): seconds until the n-th.
 */
function idealDrainSeconds(n, { burstPerSecond, steadyPerMinute }) {
	const times = [];
	for (let k = 0; k < n; k++) {
		let t = 0;
		if (k >= burstPerSecond) t = Math.max(t, times[k - burstPerSecond] + 1);
		if (k >= steadyPerMinute) t = Math.max(t, times[k - steadyPerMinute] + 60);
		if (k > 0) t = Math.max(t, times[k - 1]);
		times.push(t);
	}
	return n ? times[n - 1] : 0;
}

// ------------------------------------------------------------------------------------------------
// Machine, output
// ------------------------------------------------------------------------------------------------

function machineInfo() {
	let n8nVersion = 'unknown';
	let runtimeNode = 'unknown';
	try {
		const { NODE_BIN, RUNTIME_DIR } = require('../../scripts/lib/runtime');
		n8nVersion = require(path.join(RUNTIME_DIR, 'node_modules', 'n8n', 'package.json')).version;
		runtimeNode = execSync(`"${NODE_BIN}" --version`, { encoding: 'utf8' }).trim();
	} catch {
		// runtime not installed yet
	}
	const cpus = os.cpus();
	return {
		date: new Date().toISOString(),
		nproc: cpus.length,
		cpu: cpus[0] ? cpus[0].model : 'unknown',
		ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
		os: `${os.type()} ${os.release()}`,
		hostNode: process.version,
		n8nNode: runtimeNode,
		n8n: n8nVersion,
		command: `node ${path.relative(ROOT, process.argv[1])} ${process.argv.slice(2).join(' ')}`.trim(),
	};
}

function writeOut(name, data) {
	fs.mkdirSync(OUT_DIR, { recursive: true });
	const file = path.join(OUT_DIR, `${name}.json`);
	fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
	log(`wrote ${path.relative(ROOT, file)}`);
	return file;
}

function readWorkflow(rel) {
	return JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));
}

module.exports = {
	ROOT,
	OUT_DIR,
	EVENTS_LIMIT,
	SETTINGS,
	log,
	sleep,
	option,
	runBase,
	makeOrder,
	expectedUniqueIds,
	delivery,
	post,
	latencyStats,
	fixedDurationLoad,
	sendAll,
	withStack,
	importWorkflow,
	executionCount,
	n8nIdle,
	fake,
	waitForCount,
	idealDrainSeconds,
	machineInfo,
	writeOut,
	readWorkflow,
};

// ------------------------------------------------------------------------------------------------
// Process sampling (Linux /proc): CPU share and memory of n8n and its children (task runner)
// ------------------------------------------------------------------------------------------------

function procTree(pid) {
	const out = [pid];
	for (let i = 0; i < out.length; i++) {
		try {
			const kids = fs.readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
			if (kids) out.push(...kids.split(/\s+/).map(Number));
		} catch {
			// gone
		}
	}
	return out;
}

function procStat(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
		const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return { cpuSeconds: ticks / 100, rssMiB: rss ? Number(rss[1]) / 1024 : 0 };
	} catch {
		return { cpuSeconds: 0, rssMiB: 0 };
	}
}

/** Sample `pids` (and their children) every `intervalMs`; stop() → average CPU % and peak RSS. */
function sampleProcesses(pids, intervalMs = 2000) {
	const roots = pids.filter(Boolean);
	const cpuOf = (pid) => procTree(pid).reduce((s, p) => s + procStat(p).cpuSeconds, 0);
	const rssOf = (pid) => procTree(pid).reduce((s, p) => s + procStat(p).rssMiB, 0);
	const start = Date.now();
	const cpu0 = roots.map(cpuOf);
	const peak = roots.map(rssOf);
	const timer = setInterval(() => {
		roots.forEach((pid, i) => (peak[i] = Math.max(peak[i], rssOf(pid))));
	}, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			const secs = (Date.now() - start) / 1000;
			return roots.map((pid, i) => ({
				pid,
				cpuPercent: Math.round(((cpuOf(pid) - cpu0[i]) / secs) * 1000) / 10,
				peakRssMiB: Math.round(peak[i]),
			}));
		},
	};
}

module.exports.sampleProcesses = sampleProcesses;
