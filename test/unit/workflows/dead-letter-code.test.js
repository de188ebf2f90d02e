'use strict';
/**
 * The dead-letter workflow's Code nodes, run as n8n runs them (a function body with $, $input and
 * $execution in scope): the Error-Trigger path, the sweep of stuck executions and the lookup of
 * executions n8n's API does not list.
 */
const path = require('node:path');

const SRC = path.join(__dirname, '..', '..', '..', 'workflows', 'src');
const TRIGGER = 'n8n-nodes-shopify-klaviyo.shopifyWebhookTrigger';

function run(name, { input = [], nodes = {}, execution = { id: '1000' } } = {}) {
	const fn = require(path.join(SRC, `${name}.code.js`));
	const items = (list) => list.map((json) => ({ json }));
	global.$input = { all: () => items(input), first: () => items(input)[0] };
	global.$ = (node) => ({ all: () => items(nodes[node] || []), first: () => items(nodes[node] || [])[0] });
	global.$execution = execution;
	try {
		return fn().map((i) => i.json);
	} finally {
		delete global.$input;
		delete global.$;
		delete global.$execution;
	}
}

const delivery = (n, receivedAt = new Date(Date.now() - 60000).toISOString()) => ({
	topic: 'orders/create',
	shop: 's.myshopify.com',
	idempotencyKey: `s.myshopify.com:orders/create:evt-${n}`,
	receivedAt,
	payload: { id: String(900000000000000000n + BigInt(n)) },
});
const workflowData = { nodes: [{ name: 'Shopify Webhook Trigger', type: TRIGGER }] };
const ago = (s) => new Date(Date.now() - s * 1000).toISOString();

describe('sweep: dead letters from stuck executions', () => {
	it('records the delivery of a running execution older than the threshold, keyed like the error path', () => {
		const out = run('dead-letter-sweep', {
			input: [
				{
					id: '41',
					status: 'running',
					startedAt: ago(45),
					workflowData,
					data: { resultData: { runData: { 'Shopify Webhook Trigger': [{ data: { main: [[{ json: delivery(1) }]] } }] } } },
				},
			],
		});
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ letterId: `delivery:${delivery(1).idempotencyKey}`, kind: 'delivery', status: 'pending', executionId: '41' });
		expect(JSON.parse(out[0].payload).payload.id).toBe('900000000000000001');
		expect(out[0].error).toMatch(/execution 41 still running/);
	});

	it('finds a never-started ("new") execution by its delivery time, in the node stack', () => {
		const out = run('dead-letter-sweep', {
			input: [
				{
					id: '42',
					status: 'new',
					startedAt: null,
					workflowData,
					data: { executionData: { nodeExecutionStack: [{ node: { type: TRIGGER }, data: { main: [[{ json: delivery(2, ago(50)) }]] } }] } },
				},
			],
		});
		expect(out.map((r) => r.letterId)).toEqual([`delivery:${delivery(2).idempotencyKey}`]);
	});

	it('leaves young, finished and foreign executions alone, and tolerates empty items', () => {
		const out = run('dead-letter-sweep', {
			input: [
				{},
				{ error: 'Not Found' },
				{ id: '43', status: 'running', startedAt: ago(5), workflowData, data: { resultData: { runData: { 'Shopify Webhook Trigger': [{ data: { main: [[{ json: delivery(3, ago(5)) }]] } }] } } } },
				{ id: '44', status: 'success', startedAt: ago(90), workflowData, data: { resultData: { runData: { 'Shopify Webhook Trigger': [{ data: { main: [[{ json: delivery(4) }]] } }] } } } },
				{ id: '45', status: 'running', startedAt: ago(90), workflowData: { nodes: [{ name: 'Webhook', type: 'n8n-nodes-base.webhook' }] }, data: {} },
			],
		});
		expect(out).toEqual([]);
	});
});

describe('sweep: execution ids the API does not list', () => {
	it('looks up the unlisted ids newer than the window, newest first, below its own id', () => {
		const out = run('dead-letter-sweep-unlisted', {
			execution: { id: '20' },
			nodes: {
				'Running sync executions': [{ id: '17', startedAt: ago(40) }],
				'Recent sync executions': [
					{ id: '18', startedAt: ago(10) },
					{ id: '14', startedAt: ago(60) },
					{ id: '10', startedAt: ago(400) },
					{ id: '5', startedAt: ago(900) },
				],
			},
		});
		// 10 started more than 180 s ago: nothing at or below it is looked up
		expect(out.map((i) => i.id)).toEqual(['19', '16', '15', '13', '12', '11']);
	});

	it('caps the lookups per sweep', () => {
		const out = run('dead-letter-sweep-unlisted', { execution: { id: '500' }, nodes: { 'Recent sync executions': [{ id: '1', startedAt: ago(1000) }] } });
		expect(out).toHaveLength(40);
		expect(out[0].id).toBe('499');
	});
});

describe('error path: dead letter from a failed execution', () => {
	it('records each delivery the failed execution received, with the error and the failed node', () => {
		const out = run('dead-letter-from-execution', {
			nodes: {
				'Error Trigger': [
					{ execution: { id: '77', lastNodeExecuted: 'Shopify to Klaviyo', error: { message: 'line_items[0].quantity is not a whole number' } }, workflow: { name: 'sync' } },
				],
			},
			input: [{ workflowData, data: { resultData: { runData: { 'Shopify Webhook Trigger': [{ data: { main: [[{ json: delivery(7) }]] } }] } } } }],
		});
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({
			letterId: `delivery:${delivery(7).idempotencyKey}`,
			kind: 'delivery',
			failedNode: 'Shopify to Klaviyo',
			executionId: '77',
		});
		expect(out[0].error).toMatch(/quantity/);
	});

	it('an execution whose data n8n wiped (lost worker) becomes one "execution" letter, not a silent drop', () => {
		const out = run('dead-letter-from-execution', {
			nodes: { 'Error Trigger': [{ execution: { id: '78', error: { message: 'This execution failed to be processed too many times' } }, workflow: { name: 'sync' } }] },
			input: [{ workflowData, data: { resultData: { runData: {} } } }],
		});
		expect(out).toEqual([expect.objectContaining({ letterId: 'execution:78', kind: 'execution', payload: '' })]);
	});
});
