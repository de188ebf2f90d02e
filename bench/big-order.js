'use strict';
/**
 * One big order, before and after the bulk path for Ordered Product events.
 *
 *   npm run bench:big-order                 # build, then measure (≈ 15 s)
 *   node bench/big-order.js --lines 3000    # the same without building (needs dist/)
 *   node bench/big-order.js --update        # also rewrite the <!-- bench:big-order --> section of bench/RESULTS.md
 *
 * An orders/create with `--lines` line items (default 3 000; the blueprint order's line item varied
 * per line, ids above 2^53 as strings) is mapped by the Shopify to Klaviyo mapping and sent by the
 * Klaviyo node (Mapped Request → Send, default options: concurrency 5, its rate limiter and retries)
 * to the in-process fake Klaviyo with Klaviyo's real rate limits (events 350/s + 3 500/min,
 * event-bulk-create-jobs 10/s + 150/min). Twice:
 *   - before: the single path forced (Bulk Ordered Product Events Above = a huge number), i.e. one
 *     POST /api/events per line, as every order was sent before the bulk path existed;
 *   - after: the default threshold (50): Placed Order single, Ordered Product in bulk jobs of 1 000.
 * Prints requests per endpoint and status, seconds (map + send), events Klaviyo kept, and how much
 * of the account's per-minute events budget the order used. No n8n process: the node's execute()
 * runs with a minimal execution context whose HTTP helper is a keep-alive http.request (the way
 * n8n's httpRequestWithAuthentication sends, credential headers from the credential class).
 * The Shopify trigger (HMAC over ≈ 1 MB) is not part of this measurement.
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const c = require('./lib/common');

const DIST = path.join(c.ROOT, 'dist');
if (!fs.existsSync(path.join(DIST, 'nodes', 'Klaviyo', 'Klaviyo.node.js'))) {
	console.error('dist/ is missing: run `npm run build` first (npm run bench:big-order does)');
	process.exit(1);
}
const { mapDelivery } = require(path.join(DIST, 'nodes', 'ShopifyToKlaviyo', 'mapping'));
const { Klaviyo } = require(path.join(DIST, 'nodes', 'Klaviyo', 'Klaviyo.node.js'));
const { resetLimiters } = require(path.join(DIST, 'nodes', 'Klaviyo', 'transport', 'limiter.js'));
const { KlaviyoPrivateKeyApi } = require(path.join(DIST, 'credentials', 'KlaviyoPrivateKeyApi.credentials.js'));
const { createFakeKlaviyo } = require(path.join(c.ROOT, 'test', 'fake-klaviyo', 'server'));

const LINES = c.option('lines', 'BENCH_BIG_ORDER_LINES', 3000);
const UPDATE = process.argv.includes('--update');
const KEY = 'pk_bench_big_order_0123456789';
/** Klaviyo's steady limit of POST /api/event-bulk-create-jobs (per account, per minute) */
const BULK_STEADY_PER_MINUTE = 150;

/** The blueprint order with `n` line items, realistic fields, total = line sum. */
function bigOrder(n) {
	const order = c.makeOrder(c.runBase(), 0);
	const template = order.line_items[0];
	order.line_items = Array.from({ length: n }, (_, i) => ({
		...template,
		id: `${9007199254740993n + BigInt(i)}`,
		admin_graphql_api_id: `gid://shopify/LineItem/${9007199254740993n + BigInt(i)}`,
		product_id: `${8007199254740993n + BigInt(i % 400)}`,
		variant_id: `${7007199254740993n + BigInt(i)}`,
		sku: `SKU-${String(i).padStart(5, '0')}`,
		title: `Product ${i % 400}`,
		name: `Product ${i % 400} - Size ${['S', 'M', 'L'][i % 3]}`,
		variant_title: `Size ${['S', 'M', 'L'][i % 3]}`,
		vendor: 'Bench Vendor',
		price: '2.50',
		quantity: 1 + (i % 3),
		requires_shipping: true,
		taxable: true,
		fulfillment_status: null,
		properties: [],
		tax_lines: [{ price: '0.20', rate: 0.08, title: 'Tax' }],
		discount_allocations: [],
	}));
	const cents = order.line_items.reduce((sum, l) => sum + 250 * l.quantity, 0);
	order.total_price = (cents / 100).toFixed(2);
	return order;
}

/** Minimal IExecuteFunctions for the Klaviyo node's Mapped Request → Send. */
function executionContext(items, baseUrl, agent) {
	const credentials = { privateKey: KEY, baseUrl, revision: '' };
	const credentialType = new KlaviyoPrivateKeyApi();
	const node = { id: 'bench', name: 'Klaviyo', type: 'n8n-nodes-shopify-klaviyo.klaviyo', typeVersion: 1, position: [0, 0], parameters: {} };
	const params = { resource: 'mappedRequest', operation: 'send', options: {} };
	async function httpRequestWithAuthentication(_type, request) {
		const options = await credentialType.authenticate(credentials, { ...request, headers: { ...(request.headers || {}) } });
		const url = new URL(options.url);
		for (const [k, v] of Object.entries(options.qs || {})) url.searchParams.set(k, String(v));
		const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
		return await new Promise((resolve, reject) => {
			const req = http.request(
				url,
				{ method: options.method, agent, headers: { ...options.headers, ...(payload ? { 'content-length': payload.length } : {}) }, timeout: options.timeout },
				(res) => {
					const chunks = [];
					res.on('data', (d) => chunks.push(d));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						let body = text;
						try {
							body = text ? JSON.parse(text) : '';
						} catch {
							// not JSON (e.g. an HTML error page)
						}
						resolve({ statusCode: res.statusCode, headers: res.headers, body });
					});
				},
			);
			req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
			req.on('error', reject);
			if (payload) req.write(payload);
			req.end();
		});
	}
	return {
		getInputData: () => items,
		getNodeParameter: (name, _i, fallback) => (name in params ? params[name] : fallback),
		getNode: () => node,
		continueOnFail: () => true,
		getCredentials: async () => credentials,
		helpers: { httpRequestWithAuthentication },
		logger: { debug() {}, info() {}, warn() {}, error() {} },
	};
}

async function measure(label, fake, order, mappingOptions) {
	fake.reset();
	resetLimiters();
	const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
	const delivery = { topic: 'orders/create', shop: 'bench.myshopify.com', idempotencyKey: `bench:${label}`, payload: order };
	const start = process.hrtime.bigint();
	const requests = mapDelivery(delivery, mappingOptions).requests;
	const mappedMs = Number(process.hrtime.bigint() - start) / 1e6;
	const items = requests.map((json) => ({ json }));
	const out = await new Klaviyo().execute.call(executionContext(items, fake.url, agent));
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	agent.destroy();
	const state = fake.state;
	const failed = out[0].filter((i) => i.json.error !== undefined).length;
	const eventRequests = Object.values(state.requests['POST /api/events'] || {}).reduce((a, b) => a + b, 0);
	const bulkRequests = Object.values(state.requests['POST /api/event-bulk-create-jobs'] || {}).reduce((a, b) => a + b, 0);
	return {
		label,
		lines: order.line_items.length,
		mappedRequests: requests.length,
		requests: state.requests,
		totalRequests: Object.values(state.requests).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0),
		throttled: Object.values(state.requests).reduce((n, byStatus) => n + (byStatus['429'] || 0), 0),
		seconds: Math.round(seconds * 100) / 100,
		mapMs: Math.round(mappedMs),
		eventsKept: state.events.length,
		failedItems: failed,
		eventsBudgetShare: Math.round((eventRequests / c.EVENTS_LIMIT.steadyPerMinute) * 10000) / 100,
		bulkBudgetShare: Math.round((bulkRequests / BULK_STEADY_PER_MINUTE) * 10000) / 100,
	};
}

function table(results, machine, payloadKiB) {
	const fmt = (r) =>
		Object.entries(r.requests)
			.map(([k, v]) => `${k} ${Object.entries(v).map(([s, n]) => `${n}×${s}`).join(' ')}`)
			.join('; ');
	const rows = results.map(
		(r) =>
			`| ${r.label} | ${r.totalRequests} | ${fmt(r)} | ${r.throttled} | ${r.seconds.toFixed(2)} | ${r.eventsKept} | ${r.eventsBudgetShare} % | ${r.bulkBudgetShare} % |`,
	);
	const [before, after] = results;
	return [
		`Measured ${machine.date.slice(0, 10)} on ${machine.nproc} × ${machine.cpu}, ${machine.ramGiB} GiB RAM, ${machine.os}, Node ${machine.hostNode};`,
		`command: \`${machine.command}\` (after \`npm run build\`). One orders/create with ${before.lines} line items`,
		`(${payloadKiB} KiB of JSON), mapped and sent by the Klaviyo node (Mapped Request → Send, default options)`,
		'to the in-process fake Klaviyo with Klaviyo\'s real rate limits; seconds = map + send.',
		'',
		'| path | requests | per endpoint (count×status) | 429s | seconds | events kept | events/min budget used | bulk jobs/min budget used |',
		'|---|---|---|---|---|---|---|---|',
		...rows,
		'',
		`Before: one \`POST /api/events\` per line (${before.totalRequests} requests, ${before.eventsBudgetShare} % of the account's 3 500 events/min);`,
		`after: ${after.totalRequests} requests (${after.seconds.toFixed(2)} s instead of ${before.seconds.toFixed(2)} s), the same ${after.eventsKept} events kept.`,
	].join('\n');
}

async function main() {
	const machine = c.machineInfo();
	const order = bigOrder(LINES);
	const payloadKiB = Math.round(Buffer.byteLength(JSON.stringify(order)) / 1024);
	const fake = createFakeKlaviyo({ rateLimits: true, rateLimitScale: 1 });
	await fake.start(0);
	try {
		c.log(`order with ${LINES} line items (${payloadKiB} KiB); fake Klaviyo at ${fake.url}`);
		const before = await measure('before: single events (threshold forced off)', fake, order, { bulkOrderedProductAbove: Number.MAX_SAFE_INTEGER });
		c.log(`before: ${before.totalRequests} requests in ${before.seconds} s`);
		const after = await measure('after: bulk above 50 lines (default)', fake, order, {});
		c.log(`after: ${after.totalRequests} requests in ${after.seconds} s`);
		for (const r of [before, after]) {
			if (r.eventsKept !== LINES + 1 || r.failedItems !== 0) throw new Error(`${r.label}: ${r.eventsKept} events kept, ${r.failedItems} failed items (expected ${LINES + 1}, 0)`);
		}
		const text = table([before, after], machine, payloadKiB);
		console.log(text);
		c.writeOut('big-order', { machine, payloadKiB, results: [before, after] });
		if (UPDATE) {
			const file = path.join(c.ROOT, 'bench', 'RESULTS.md');
			const md = fs.readFileSync(file, 'utf8');
			const re = /(<!-- bench:big-order:start -->)[\s\S]*?(<!-- bench:big-order:end -->)/;
			if (!re.test(md)) throw new Error('bench/RESULTS.md has no <!-- bench:big-order:start/end --> markers');
			fs.writeFileSync(file, md.replace(re, `$1\n${text}\n$2`));
			c.log('updated bench/RESULTS.md (big-order)');
		}
	} finally {
		await fake.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
