'use strict';
/**
 * README "Install into your own n8n", step 3 by URL, into an n8n that already holds other workflows and
 * Data Tables: n8n fetches the shipped file (its /rest/workflows/from-url, as the editor's *Import from
 * URL* does), the editor saves it as a new workflow with the user's credentials, publishes it. The copy
 * must find its own tables by name among the others, and say so when n8n's by-name lookup (a "contains"
 * match) could confuse another table with its own. Main mode only: importing is not mode-specific.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const axios = require('axios');
const { stack, deliver, klaviyoState, klaviyoReset, waitFor, deadLetters, settledExecutions, executions } = require('./helpers');
const { pickCredentials } = require('../../scripts/lib/install');

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));
const api = (method, url, data) => axios.request({ method, url: `${stack().baseUrl}/api/v1${url}`, data, headers: { 'X-N8N-API-KEY': stack().apiKey } }).then((r) => r.data);

jest.setTimeout(300000);

describe('Import from URL, next to other workflows and Data Tables', () => {
	beforeEach(async () => {
		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
	});

	it('the copy finds its tables by name among the others and syncs; a table n8n could confuse with its own is reported on publish', async () => {
		const s = stack();
		const rest = axios.create({ baseURL: `${s.baseUrl}/rest`, headers: { cookie: s.cookie, 'browser-id': s.browserId } });
		const project = (await rest.get('/projects/personal')).data.data;
		const tablesRest = (method, url = '', data) => rest.request({ method, url: `/projects/${project.id}/data-tables${url}`, data }).then((r) => r.data.data);
		// someone else's workflow and Data Tables (names n8n's by-name lookup does not confuse with ours)
		const decoys = [await tablesRest('post', '', { name: 'dead_letters', columns: [{ name: 'letterId', type: 'string' }] }), await tablesRest('post', '', { name: 'Customers', columns: [{ name: 'email', type: 'string' }] })];
		const other = await api('post', '/workflows', {
			name: 'Orders to Slack',
			nodes: [{ id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'orders-to-slack', httpMethod: 'POST' }, webhookId: 'a1b2c3d4-0000-4000-8000-000000000002' }],
			connections: {},
			settings: {},
		});
		await api('post', `/workflows/${other.id}/activate`, {});
		// the file shipped inside the installed package, served from a URL
		const file = path.join(s.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-shopify-klaviyo', 'dist', 'workflows', 'shopify-to-klaviyo.json');
		const server = http.createServer((req, res) => {
			res.setHeader('content-type', 'application/json');
			res.end(fs.readFileSync(file));
		});
		await new Promise((r) => server.listen(0, '127.0.0.1', r));
		let copyId;
		const copyUrl = `${s.baseUrl}/webhook/shopify-from-url`;
		try {
			// Import from URL: n8n fetches the file (its /rest/workflows/from-url); the editor then saves it
			// as a new workflow with the credentials the user picked, and publishes it
			const fetched = (await rest.get('/workflows/from-url', { params: { url: `http://127.0.0.1:${server.address().port}/shopify-to-klaviyo.json`, projectId: project.id } })).data.data;
			expect(fetched).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
			const picked = pickCredentials(fetched, { shopifyWebhookApi: s.credentials.shopify, klaviyoPrivateKeyApi: s.credentials.klaviyo });
			// the original sync already holds the path "shopify" in this n8n: the copy gets its own path and,
			// as the editor gives a pasted webhook node, its own webhook id
			const nodes = picked.nodes.map((n) => (n.name === 'Shopify Webhook Trigger' ? { ...n, webhookId: crypto.randomUUID(), parameters: { ...n.parameters, path: 'shopify-from-url' } } : n));
			copyId = (await api('post', '/workflows', { name: `${picked.name} (imported from URL)`, nodes, connections: picked.connections, settings: picked.settings })).id;
			expect(copyId).not.toBe(s.syncWorkflowId);
			await api('post', `/workflows/${copyId}/activate`, {});
			await waitFor(async () => (await axios.post(copyUrl, '{}', { validateStatus: () => true })).status === 401, { what: 'the copy\'s webhook' });

			const order = { ...fixture('order-blueprint.json'), id: 805000000001, name: '#8051' };
			const invalid = { ...order, id: 805000000002, name: '#8052', line_items: order.line_items.map((li) => ({ ...li, quantity: 'lots' })) };
			expect((await deliver('orders/create', order, { eventId: 'evt-from-url', url: copyUrl })).status).toBe(200);
			expect((await deliver('orders/create', invalid, { eventId: 'evt-from-url-invalid', url: copyUrl })).status).toBe(200);
			await settledExecutions(copyId, 2);
			const events = (await klaviyoState()).events.filter((e) => String(e.unique_id).startsWith(`shopify:order:${order.id}:`));
			expect(events).toHaveLength(1 + order.line_items.length);
			// the invalid delivery landed in OUR table, found by name among the others
			const letter = await waitFor(async () => (await deadLetters()).find((r) => r.idempotencyKey === `${s.shop}:orders/create:evt-from-url-invalid`) || false, { what: 'the dead letter' });
			expect(letter).toMatchObject({ status: 'pending', kind: 'delivery' });
			expect(String(letter.executionId)).toMatch(/^\d+$/);
			for (const decoy of decoys) expect((await tablesRest('get', `/${decoy.id}/rows`)).count).toBe(0);
			const tables = (await api('get', '/data-tables?limit=250')).data.map((t) => t.name);
			expect(tables.filter((n) => n === 'klaviyo_dead_letters')).toHaveLength(1);
			expect(tables.filter((n) => n === 'shopify_object_state')).toHaveLength(1);

			// a table n8n's by-name lookup WOULD confuse with ours ("contains"): publishing says so
			const clash = await tablesRest('post', '', { name: 'klaviyo_dead_letters_backup', columns: [{ name: 'letterId', type: 'string' }] });
			try {
				const seen = (await executions(copyId)).length;
				await api('post', `/workflows/${copyId}/deactivate`, {});
				await api('post', `/workflows/${copyId}/activate`, {});
				const failed = await waitFor(async () => {
					const list = await executions(copyId, { includeData: true });
					return list.length > seen && list.find((e) => e.status === 'error' && JSON.stringify(e.data || {}).includes('Rename these Data Tables'));
				}, { what: 'the failed on-publish check' });
				expect(JSON.stringify(failed.data)).toContain('\\"klaviyo_dead_letters_backup\\" (matches \\"klaviyo_dead_letters\\")');
			} finally {
				await tablesRest('delete', `/${clash.id}`);
			}
		} finally {
			server.close();
			if (copyId) {
				await api('post', `/workflows/${copyId}/deactivate`, {}).catch(() => undefined);
				await api('delete', `/workflows/${copyId}`).catch(() => undefined);
			}
			await api('post', `/workflows/${other.id}/deactivate`, {}).catch(() => undefined);
			for (const decoy of decoys) await tablesRest('delete', `/${decoy.id}`).catch(() => undefined);
		}
	});

});
