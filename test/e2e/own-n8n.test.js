'use strict';
/**
 * The README's "Install into your own n8n", end to end. The stack (test/e2e/stack.js) already follows
 * exactly those steps — the package `npm pack`ed and installed the way n8n's Community Nodes panel
 * does, owner login, the two credentials created through n8n's API, the shipped workflow imported
 * through n8n's API (n8n gives it a NEW id) and published; the dead-letter and object-state Data
 * Tables created by the workflow itself. Nothing else is provisioned. Here: what a user then relies on.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { SYNC, stack, deliver, klaviyoState, klaviyoReset, waitFor, deadLetters, settledExecutions, deliveryExecutions } = require('./helpers');
const { replay } = require('../../scripts/replay');

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));
const api = (method, url, data) => axios.request({ method, url: `${stack().baseUrl}/api/v1${url}`, data, headers: { 'X-N8N-API-KEY': stack().apiKey } }).then((r) => r.data);
const faults = (rules) => axios.post(`${stack().klaviyoUrl}/__admin/faults`, rules);
const replayAll = (only) => replay({ baseUrl: stack().baseUrl, apiKey: stack().apiKey, log: () => {}, only });

jest.setTimeout(300000);

describe('installed like a user: the one shipped workflow in a user\'s n8n', () => {
	beforeEach(async () => {
		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		await klaviyoReset();
	});

	it('n8n gave the imported workflow its own id; the package sits where the Community Nodes install puts it; the Data Tables exist by name', async () => {
		const s = stack();
		expect(s.syncWorkflowId).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(s.syncWorkflowId).not.toBe('ShopifyKlaviyo01');
		const wf = await api('get', `/workflows/${s.syncWorkflowId}`);
		expect(wf.active).toBe(true);
		expect(wf.settings.errorWorkflow).toBeUndefined();
		expect(wf.nodes.some((n) => n.type === 'n8n-nodes-base.errorTrigger')).toBe(true);
		const installed = path.join(s.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-shopify-klaviyo');
		const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
		expect(pkg.devDependencies).toBeUndefined();
		expect(pkg.peerDependencies).toBeUndefined();
		expect(fs.existsSync(path.join(installed, 'dist', 'workflows', 'shopify-to-klaviyo.json'))).toBe(true);
		expect(JSON.parse(fs.readFileSync(path.join(s.userFolder, '.n8n', 'nodes', 'package.json'), 'utf8')).dependencies).toHaveProperty('n8n-nodes-shopify-klaviyo');
		const tables = (await api('get', '/data-tables?limit=250')).data.map((t) => t.name);
		expect(tables).toEqual(expect.arrayContaining(['klaviyo_dead_letters', 'shopify_object_state']));
	});

	it('a permanent 400 on one of an order\'s three events: letter failed (not done) on replay while the fault lasts; fault cleared → done; each event exactly once', async () => {
		const order = { ...fixture('order-blueprint.json'), id: 810000000001, name: '#8101', updated_at: '2023-01-02T10:00:00-05:00' };
		const line2 = `shopify:order:${order.id}:line:${order.line_items[1].id}`;
		await faults([{ path: '/api/events', status: 400, matchBody: line2 }]);
		const before = (await deliveryExecutions()).length;
		expect((await deliver('orders/create', order, { eventId: 'evt-partial' })).status).toBe(200);
		await settledExecutions(SYNC(), before + 1);
		const letters = await waitFor(async () => {
			const rows = (await deadLetters()).filter((r) => r.idempotencyKey === `${stack().shop}:orders/create:evt-partial`);
			return rows.length ? rows : false;
		}, { what: 'the dead letter' });
		expect(letters).toHaveLength(1);
		expect(letters[0].letterId).toContain(line2);
		// replay while the fault lasts: the letter is failed, not done
		let { rows } = await replayAll((r) => r.letterId === letters[0].letterId);
		expect(rows).toHaveLength(1);
		expect(rows[0].status).toBe('failed');
		expect(rows[0].error).toMatch(/HTTP 400/);
		expect(Number(rows[0].replays)).toBe(1);
		await axios.delete(`${stack().klaviyoUrl}/__admin/faults`);
		({ rows } = await replayAll((r) => r.letterId === letters[0].letterId));
		expect(rows[0].status).toBe('done');
		expect(Number(rows[0].replays)).toBe(2);
		const events = (await klaviyoState()).events.filter((e) => String(e.unique_id).startsWith(`shopify:order:${order.id}:`));
		expect(events.map((e) => e.unique_id).sort()).toEqual(
			[`shopify:order:${order.id}:placed`, ...order.line_items.map((li) => `shopify:order:${order.id}:line:${li.id}`)].sort(),
		);
	});

	it('replay maps with the live mapping configuration: a renamed metric is kept on replay', async () => {
		const s = stack();
		const wf = await api('get', `/workflows/${s.syncWorkflowId}`);
		const original = JSON.parse(JSON.stringify(wf.nodes));
		const nodes = wf.nodes.map((n) => (n.name === 'Shopify to Klaviyo' ? { ...n, parameters: { ...n.parameters, metricNames: { placedOrder: 'Shopify Placed Order' } } } : n));
		const put = (ns) => api('put', `/workflows/${s.syncWorkflowId}`, { name: wf.name, nodes: ns, connections: wf.connections, settings: wf.settings });
		await put(nodes);
		await api('post', `/workflows/${s.syncWorkflowId}/activate`, {});
		try {
			const order = { ...fixture('order-blueprint.json'), id: 820000000001, name: '#8201' };
			order.line_items = order.line_items.map((li, i) => (i === 0 ? { ...li, quantity: 'two' } : li));
			const before = (await deliveryExecutions()).length;
			expect((await deliver('orders/create', order, { eventId: 'evt-renamed' })).status).toBe(200);
			await settledExecutions(SYNC(), before + 1);
			const letter = await waitFor(async () => (await deadLetters()).find((r) => r.idempotencyKey === `${s.shop}:orders/create:evt-renamed`) || false, { what: 'the dead letter' });
			const d = JSON.parse(letter.payload);
			d.payload.line_items[0].quantity = 2;
			await axios.patch(
				`${s.baseUrl}/api/v1/data-tables/${s.tableId}/rows/update`,
				{ filter: { type: 'and', filters: [{ columnName: 'letterId', condition: 'eq', value: letter.letterId }] }, data: { payload: JSON.stringify(d) } },
				{ headers: { 'X-N8N-API-KEY': s.apiKey } },
			);
			const { rows } = await replayAll((r) => r.letterId === letter.letterId);
			expect(rows[0].status).toBe('done');
			const placed = (await klaviyoState()).events.filter((e) => e.unique_id === `shopify:order:${order.id}:placed`);
			expect(placed).toHaveLength(1);
			expect(placed[0].metric).toBe('Shopify Placed Order');
		} finally {
			await put(original);
			await api('post', `/workflows/${s.syncWorkflowId}/activate`, {});
		}
	});

	it('a stale consent letter is not replayed over a newer consent delivered since: superseded, with the reason', async () => {
		const s = stack();
		const customerId = '830000000000000001';
		const consent = (state, at) =>
			JSON.stringify({ ...fixture('consent-email-subscribed.json'), customer_id: 0, email_address: 'stale@example.com', email_marketing_consent: { state, opt_in_level: 'single_opt_in', consent_updated_at: at } }).replace(
				'"customer_id":0',
				`"customer_id":${customerId}`,
			);
		// the old "subscribed" fails at Klaviyo and becomes a dead letter
		await faults([{ path: '/api/profile-subscription-bulk-create-jobs', status: 400 }]);
		const before = (await deliveryExecutions()).length;
		expect((await deliver('customers_email_marketing_consent/update', null, { raw: consent('subscribed', '2026-12-01T10:00:00Z'), eventId: 'evt-consent-old' })).status).toBe(200);
		await settledExecutions(SYNC(), before + 1);
		const letter = await waitFor(async () => (await deadLetters()).find((r) => r.idempotencyKey === `${s.shop}:customers_email_marketing_consent/update:evt-consent-old`) || false, { what: 'the consent dead letter' });
		await axios.delete(`${s.klaviyoUrl}/__admin/faults`);
		// the person unsubscribes later; that delivery goes through
		expect((await deliver('customers_email_marketing_consent/update', null, { raw: consent('unsubscribed', '2026-12-02T10:00:00Z'), eventId: 'evt-consent-new' })).status).toBe(200);
		await settledExecutions(SYNC(), before + 2);
		const subscribesBefore = ((await klaviyoState()).requests['POST /api/profile-subscription-bulk-create-jobs'] || {})['202'] || 0;
		const { rows } = await replayAll((r) => r.letterId === letter.letterId);
		expect(rows[0].status).toBe('superseded');
		expect(rows[0].error).toMatch(new RegExp(`email-consent:${customerId}.*newer state`));
		// nothing re-subscribed
		expect(((await klaviyoState()).requests['POST /api/profile-subscription-bulk-create-jobs'] || {})['202'] || 0).toBe(subscribesBefore);
	});
});
