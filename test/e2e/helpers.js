'use strict';
/** Helpers for e2e tests: signed Shopify deliveries, n8n executions through n8n's public API, fake Klaviyo state. */
const axios = require('axios');
const { readStackInfo } = require('./stack');
const { shopifyDeliveryHeaders } = require('../../scripts/lib/shopify-delivery');

const stack = () => readStackInfo(process.env.E2E_STACK || (process.env.E2E_MODE === 'queue' ? 'e2e-queue' : 'e2e'));


let eventCounter = 0;
/** POST a Shopify delivery the way Shopify does (raw bytes, HMAC over them, the X-Shopify-* headers). */
async function deliver(topic, payload, { secret, eventId, webhookId, headers = {}, raw, timeoutMs, url } = {}) {
	const s = stack();
	const body = raw !== undefined ? raw : typeof payload === 'string' ? payload : JSON.stringify(payload);
	eventCounter += 1;
	const h = {
		'content-type': 'application/json',
		...shopifyDeliveryHeaders({ topic, shop: s.shop, secret: secret || s.secret, body, eventId, webhookId }),
		...headers,
	};
	for (const [k, v] of Object.entries(h)) if (v === undefined) delete h[k];
	return axios.post(url || s.webhookUrl, body, { headers: h, validateStatus: () => true, transformRequest: [(d) => d], ...(timeoutMs ? { timeout: timeoutMs } : {}) });
}

async function n8nApi(method, path, params) {
	const s = stack();
	const res = await axios.request({
		method,
		url: `${s.baseUrl}/api/v1${path}`,
		params,
		headers: { 'X-N8N-API-KEY': s.apiKey },
	});
	return res.data;
}

/** All executions of a workflow, newest first (through n8n's public API). */
async function executions(workflowId, { includeData = false } = {}) {
	const out = [];
	let cursor;
	do {
		const page = await n8nApi('get', '/executions', { workflowId, includeData, limit: 250, cursor });
		out.push(...page.data);
		cursor = page.nextCursor;
	} while (cursor);
	return out;
}

async function klaviyoState() {
	return (await axios.get(`${stack().klaviyoUrl}/__admin/state`)).data;
}

async function klaviyoReset() {
	await axios.post(`${stack().klaviyoUrl}/__admin/reset`);
}

async function waitFor(fn, { timeoutMs = 60000, intervalMs = 300, what = 'condition' } = {}) {
	const start = Date.now();
	let last;
	for (;;) {
		last = await fn();
		if (last) return last;
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every row of the dead-letter Data Table (through n8n's public API, all pages). */
async function deadLetters() {
	const s = stack();
	const rows = [];
	let cursor;
	do {
		const res = await axios.get(`${s.baseUrl}/api/v1/data-tables/${s.tableId}/rows`, {
			headers: { 'X-N8N-API-KEY': s.apiKey },
			params: { limit: 250, cursor },
		});
		rows.push(...res.data.data);
		cursor = res.data.nextCursor;
	} while (cursor);
	return rows;
}

/** The sync workflow's id (n8n gave it a new one on import, as the editor's import does). */
const SYNC = () => stack().syncWorkflowId;

/**
 * Executions started by Shopify deliveries (mode "webhook"): the sync workflow also runs its replay
 * schedule, its on-publish step and one execution per replayed letter, which are not deliveries.
 */
async function deliveryExecutions(workflowId = SYNC()) {
	return (await executions(workflowId)).filter((e) => e.mode === 'webhook');
}

/** Wait until the sync has at least `count` delivery executions and all of them have finished. */
async function settledExecutions(workflowId, count, { timeoutMs = 90000 } = {}) {
	return waitFor(
		async () => {
			const ex = await deliveryExecutions(workflowId);
			return ex.length >= count && ex.every((e) => e.stoppedAt) ? ex : false;
		},
		{ what: `${count} finished execution(s) of ${workflowId}`, timeoutMs },
	);
}

module.exports = { SYNC, deliveryExecutions, stack, deliver, n8nApi, executions, klaviyoState, klaviyoReset, waitFor, sleep, deadLetters, settledExecutions };
