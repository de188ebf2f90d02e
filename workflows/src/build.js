#!/usr/bin/env node
'use strict';
/**
 * Source of the shipped workflows. `node workflows/src/build.js` writes workflows/*.json.
 * Kept as code so the Code nodes' JavaScript lives in readable files (workflows/src/*.code.js)
 * and the three workflows share ids and names. The JSON files are what users import.
 */
const fs = require('node:fs');
const path = require('node:path');

const PKG = 'n8n-nodes-shopify-klaviyo';
const IDS = {
	sync: 'ShopifyKlaviyo01',
	deadLetter: 'KlaviyoDeadLet01',
	replay: 'KlaviyoReplay001',
	shopifyCred: { id: 'shopifyCredSync1', name: 'Shopify (sync)' },
	klaviyoCred: { id: 'klaviyoCredSync1', name: 'Klaviyo (sync)' },
	n8nApiCred: { id: 'n8nApiDeadLett01', name: 'n8n API (dead letters)' },
	replayCred: { id: 'replayTokenAuth1', name: 'Dead-letter replay token' },
};
const TABLE = { __rl: true, mode: 'name', value: 'klaviyo_dead_letters' };
const code = (name) => {
	// each <name>.code.js exports a function whose body is the Code node's JavaScript
	const src = require(path.join(__dirname, `${name}.code.js`)).toString();
	const body = src.slice(src.indexOf('{') + 1, src.lastIndexOf('}'));
	const lines = body.split('\n');
	while (lines.length && !lines[0].trim()) lines.shift();
	while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
	const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^\t*/)[0].length));
	return lines.map((l) => l.slice(indent)).join('\n') + '\n';
};
const sticky = (id, content, [x, y], [w, h], color) => ({
	id,
	name: id,
	type: 'n8n-nodes-base.stickyNote',
	typeVersion: 1,
	position: [x, y],
	parameters: { content, width: w, height: h, ...(color ? { color } : {}) },
});
const klaviyoNode = (id, name, position) => ({
	id,
	name,
	type: `${PKG}.klaviyo`,
	typeVersion: 1,
	position,
	parameters: { resource: 'mappedRequest', operation: 'send' },
	credentials: { klaviyoPrivateKeyApi: IDS.klaviyoCred },
	onError: 'continueErrorOutput',
});
const recordDeadLetters = (id, position) => ({
	id,
	name: 'Record dead letters',
	type: 'n8n-nodes-base.executeWorkflow',
	typeVersion: 1.2,
	position,
	parameters: {
		source: 'database',
		workflowId: { __rl: true, mode: 'id', value: IDS.deadLetter },
		options: { waitForSubWorkflow: true },
	},
});
const settings = (extra = {}) => ({ executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner', ...extra });

const sync = {
	id: IDS.sync,
	name: 'Shopify → Klaviyo sync',
	active: false,
	settings: settings({ errorWorkflow: IDS.deadLetter }),
	nodes: [
		sticky(
			'Note: trigger',
			'## 1. Shopify delivers\nOne URL for every topic: `<n8n>/webhook/shopify`.\nThe trigger checks the HMAC signature over the raw bytes (forged → 401, nothing runs), answers Shopify at once, and passes on the payload with topic, shop, event id and an **idempotency key**.\n\nCredential: **Shopify (sync)** — signing secret, optional Admin API token (then the webhooks are registered for you on publish).',
			[-460, -60],
			[380, 300],
		),
		sticky(
			'Note: mapping',
			'## 2. Map to Klaviyo\nCustomers → profiles; orders → Placed Order, Ordered Product, Fulfilled / Cancelled / Refunded Order; checkouts → Checkout Started; consent → subscribe / unsubscribe; redact → deletion request.\n\n**Customise here, no code:** metric names, extra profile or event properties (name → expression), toggles. Deliveries with nothing to send leave on **Skipped** with the reason.',
			[-60, -60],
			[380, 300],
		),
		sticky(
			'Note: klaviyo',
			'## 3. Send to Klaviyo\nPaced to Klaviyo\'s per-account limits; 429 / 5xx / network errors are retried with backoff that honours Retry-After. `unique_id`s make every re-send idempotent.\n\nPermanent failures leave on the **error output** and are recorded as **dead letters** (Data Table `klaviyo_dead_letters`). Failed executions are recorded by the error workflow **Klaviyo dead letters**. Replay them with the workflow **Replay Klaviyo dead letters** or `npm run replay`.',
			[340, -60],
			[420, 300],
			4,
		),
		{
			id: 'a1f0c6de-1b7e-4f55-9c61-6d0f1a2b3c01',
			name: 'Shopify Webhook Trigger',
			type: `${PKG}.shopifyWebhookTrigger`,
			typeVersion: 2,
			position: [-360, 300],
			webhookId: '6b0d2c4e-8a3f-4d51-b7e9-2f4c6a8d0e13',
			parameters: { path: 'shopify' },
			credentials: { shopifyWebhookApi: IDS.shopifyCred },
		},
		{
			id: 'a1f0c6de-1b7e-4f55-9c61-6d0f1a2b3c02',
			name: 'Shopify to Klaviyo',
			type: `${PKG}.shopifyToKlaviyo`,
			typeVersion: 1,
			position: [40, 300],
			parameters: {},
		},
		klaviyoNode('a1f0c6de-1b7e-4f55-9c61-6d0f1a2b3c03', 'Klaviyo', [440, 280]),
		{
			id: 'a1f0c6de-1b7e-4f55-9c61-6d0f1a2b3c04',
			name: 'Skipped (nothing to send)',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [440, 480],
			parameters: {},
		},
		recordDeadLetters('a1f0c6de-1b7e-4f55-9c61-6d0f1a2b3c06', [760, 380]),
	],
	connections: {
		'Shopify Webhook Trigger': { main: [[{ node: 'Shopify to Klaviyo', type: 'main', index: 0 }]] },
		'Shopify to Klaviyo': {
			main: [
				[{ node: 'Klaviyo', type: 'main', index: 0 }],
				[{ node: 'Skipped (nothing to send)', type: 'main', index: 0 }],
			],
		},
		Klaviyo: {
			// success output left open: one node run less per delivery (the results are on the Klaviyo node)
			main: [[], [{ node: 'Record dead letters', type: 'main', index: 0 }]],
		},
	},
	pinData: {},
	tags: [],
};

/** The sync's executions with one status, with their data (the n8n node, through n8n's public API). */
const listExecutions = (id, name, position, status) => ({
	id,
	name,
	type: 'n8n-nodes-base.n8n',
	typeVersion: 1,
	position,
	parameters: {
		resource: 'execution',
		operation: 'getAll',
		returnAll: true,
		filters: { workflowId: { __rl: true, mode: 'id', value: IDS.sync }, status },
		options: { activeWorkflows: true },
		requestOptions: {},
	},
	credentials: { n8nApi: IDS.n8nApiCred },
	alwaysOutputData: true,
	retryOnFail: true,
	maxTries: 3,
	waitBetweenTries: 2000,
});

const deadLetter = {
	id: IDS.deadLetter,
	name: 'Klaviyo dead letters',
	active: false,
	settings: settings(),
	nodes: [
		sticky(
			'Note: dead letters',
			'## Dead-letter queue\nTwo ways in:\n- **Error Trigger**: this is the sync\'s *error workflow*. n8n hands it the failed execution\'s id and error but not its input, so it fetches the execution and takes the Shopify delivery from the trigger\'s output.\n- **From the sync\'s error output**: Klaviyo requests that failed permanently.\n\nEach becomes one row in the Data Table **klaviyo_dead_letters**, keyed by `letterId` (re-reports update the same row). Edit rows there; replay with **Replay Klaviyo dead letters**.',
			[-420, -80],
			[520, 320],
			3,
		),
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d01',
			name: 'Error Trigger',
			type: 'n8n-nodes-base.errorTrigger',
			typeVersion: 1,
			position: [-380, 300],
			parameters: {},
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d02',
			name: 'Get failed execution',
			type: 'n8n-nodes-base.n8n',
			typeVersion: 1,
			position: [-160, 300],
			parameters: {
				resource: 'execution',
				operation: 'get',
				executionId: '={{ $json.execution.id }}',
				options: { activeWorkflows: true },
				requestOptions: {},
			},
			credentials: { n8nApi: IDS.n8nApiCred },
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 2000,
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d03',
			name: 'Dead letter from failed execution',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [60, 300],
			parameters: { jsCode: code('dead-letter-from-execution') },
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d04',
			name: 'From the sync\'s error output',
			type: 'n8n-nodes-base.executeWorkflowTrigger',
			typeVersion: 1.1,
			position: [-380, 520],
			parameters: { inputSource: 'passthrough' },
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d05',
			name: 'Dead letter from failed request',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [60, 520],
			parameters: { jsCode: code('dead-letter-from-request') },
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d06',
			name: 'Save dead letter',
			type: 'n8n-nodes-base.dataTable',
			typeVersion: 1.1,
			position: [300, 400],
			parameters: {
				resource: 'row',
				operation: 'upsert',
				dataTableId: TABLE,
				matchType: 'allConditions',
				filters: { conditions: [{ keyName: 'letterId', condition: 'eq', keyValue: '={{ $json.letterId }}' }] },
				columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
				options: {},
			},
		},
		sticky(
			'Note: sweep',
			'## Sweep (queue mode: a worker lost)\nWhen an n8n worker dies mid-execution, n8n marks its executions *error* only after it notices the stalled job (about 2 minutes) and then **replaces their data**, so the Error Trigger above cannot see the Shopify delivery any more. Every 20 s the sweep finds sync executions still *running*, or *new* (taken by a worker but never started: the API does not list those, so the sweep looks up unlisted recent execution ids one by one), 30 s after their delivery arrived (edit `STUCK_AFTER_SECONDS` in the Code node), and records their delivery as a dead letter while it is still there. A letter for an execution that finishes after all replays harmlessly (Klaviyo keeps one event per `unique_id`).\n\n`POST /webhook/klaviyo-dead-letters/sweep` (header `x-replay-token`) runs it at once.',
			[-420, 700],
			[520, 340],
			3,
		),
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d07',
			name: 'Sweep every 20 s',
			type: 'n8n-nodes-base.scheduleTrigger',
			typeVersion: 1.2,
			position: [-380, 1080],
			parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: 20 }] } },
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d08',
			name: 'Sweep now',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [-380, 1260],
			webhookId: '4c8e2a6f-3b1d-4e7a-9c5f-7d2b4e6a8c13',
			parameters: {
				httpMethod: 'POST',
				path: 'klaviyo-dead-letters/sweep',
				authentication: 'headerAuth',
				responseMode: 'onReceived',
				options: {},
			},
			credentials: { httpHeaderAuth: IDS.replayCred },
		},
		listExecutions('b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d09', 'Running sync executions', [-160, 1100], 'running'),
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d11',
			name: 'Recent sync executions',
			type: 'n8n-nodes-base.n8n',
			typeVersion: 1,
			position: [60, 1300],
			executeOnce: true,
			alwaysOutputData: true,
			parameters: {
				resource: 'execution',
				operation: 'getAll',
				returnAll: false,
				limit: 100,
				filters: { workflowId: { __rl: true, mode: 'id', value: IDS.sync } },
				options: {},
				requestOptions: {},
			},
			credentials: { n8nApi: IDS.n8nApiCred },
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 2000,
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d12',
			name: 'Unlisted execution ids',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [280, 1300],
			parameters: { jsCode: code('dead-letter-sweep-unlisted') },
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d13',
			name: 'Get unlisted execution',
			type: 'n8n-nodes-base.n8n',
			typeVersion: 1,
			position: [500, 1300],
			onError: 'continueRegularOutput',
			parameters: {
				resource: 'execution',
				operation: 'get',
				executionId: '={{ $json.id }}',
				options: { activeWorkflows: true },
				requestOptions: {},
			},
			credentials: { n8nApi: IDS.n8nApiCred },
		},
		{
			id: 'b2e1d7ef-2c8f-4a66-8d72-7e1a2b3c4d10',
			name: 'Dead letters from stuck executions',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [60, 1160],
			parameters: { jsCode: code('dead-letter-sweep') },
		},
	],
	connections: {
		'Error Trigger': { main: [[{ node: 'Get failed execution', type: 'main', index: 0 }]] },
		'Get failed execution': { main: [[{ node: 'Dead letter from failed execution', type: 'main', index: 0 }]] },
		'Dead letter from failed execution': { main: [[{ node: 'Save dead letter', type: 'main', index: 0 }]] },
		"From the sync's error output": { main: [[{ node: 'Dead letter from failed request', type: 'main', index: 0 }]] },
		'Dead letter from failed request': { main: [[{ node: 'Save dead letter', type: 'main', index: 0 }]] },
		'Sweep every 20 s': { main: [[{ node: 'Running sync executions', type: 'main', index: 0 }]] },
		'Sweep now': { main: [[{ node: 'Running sync executions', type: 'main', index: 0 }]] },
		'Running sync executions': {
			main: [
				[
					{ node: 'Dead letters from stuck executions', type: 'main', index: 0 },
					{ node: 'Recent sync executions', type: 'main', index: 0 },
				],
			],
		},
		'Recent sync executions': { main: [[{ node: 'Unlisted execution ids', type: 'main', index: 0 }]] },
		'Unlisted execution ids': { main: [[{ node: 'Get unlisted execution', type: 'main', index: 0 }]] },
		'Get unlisted execution': { main: [[{ node: 'Dead letters from stuck executions', type: 'main', index: 0 }]] },
		'Dead letters from stuck executions': { main: [[{ node: 'Save dead letter', type: 'main', index: 0 }]] },
	},
	pinData: {},
	tags: [],
};

const markRow = (id, name, position, columns) => ({
	id,
	name,
	type: 'n8n-nodes-base.dataTable',
	typeVersion: 1.1,
	position,
	parameters: {
		resource: 'row',
		operation: 'update',
		dataTableId: TABLE,
		matchType: 'allConditions',
		filters: { conditions: [{ keyName: 'letterId', condition: 'eq', keyValue: "={{ $json.letterId }}" }] },
		columns: { mappingMode: 'defineBelow', value: columns, matchingColumns: [], schema: [] },
		options: {},
	},
});

/** An IF node with one "string equals" condition. */
const ifEquals = (id, name, position, conditionId, leftValue, rightValue) => ({
	id,
	name,
	type: 'n8n-nodes-base.if',
	typeVersion: 2.2,
	position,
	parameters: {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: [{ id: conditionId, leftValue, rightValue, operator: { type: 'string', operation: 'equals' } }],
			combinator: 'and',
		},
		options: {},
	},
});

const replay = {
	id: IDS.replay,
	name: 'Replay Klaviyo dead letters',
	active: false,
	settings: settings(),
	nodes: [
		sticky(
			'Note: replay',
			'## Replay dead letters\nClick **Execute workflow** (or run `npm run replay`). Every row of **klaviyo_dead_letters** whose status is not `done` is re-sent through the same mapper and Klaviyo node as the live sync. Rows become `done`, or `failed` with the new error. Klaviyo drops events it already has (same `unique_id`), so a replay never doubles an event.\n\nTo skip a letter, set its status to `done` in the Data Table.',
			[-640, -100],
			[520, 300],
			5,
		),
		{
			id: 'c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e01',
			name: 'Replay from the editor',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [-620, 300],
			parameters: {},
		},
		{
			id: 'c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e02',
			name: 'Replay from npm run replay',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [-620, 500],
			webhookId: '9d3f5a7c-1e2b-4c6d-8f0a-3b5d7e9f1a24',
			parameters: {
				httpMethod: 'POST',
				path: 'klaviyo-dead-letters/replay',
				authentication: 'headerAuth',
				responseMode: 'onReceived',
				options: {},
			},
			credentials: { httpHeaderAuth: IDS.replayCred },
		},
		{
			id: 'c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e03',
			name: 'Letters to replay',
			type: 'n8n-nodes-base.dataTable',
			typeVersion: 1.1,
			position: [-380, 400],
			alwaysOutputData: false,
			executeOnce: true,
			parameters: {
				resource: 'row',
				operation: 'get',
				dataTableId: TABLE,
				matchType: 'allConditions',
				filters: { conditions: [{ keyName: 'status', condition: 'neq', keyValue: 'done' }] },
				returnAll: true,
				options: {},
			},
		},
		{
			id: 'c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e04',
			name: 'Rebuild delivery or request',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [-160, 400],
			parameters: { jsCode: code('replay-rebuild') },
		},
		ifEquals('c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e05', 'Delivery or request?', [60, 400], 'kind-is-delivery', '={{ $json.letter.kind }}', 'delivery'),
		{
			id: 'c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e06',
			name: 'Shopify to Klaviyo',
			type: `${PKG}.shopifyToKlaviyo`,
			typeVersion: 1,
			position: [300, 300],
			parameters: {},
			onError: 'continueErrorOutput',
		},
		klaviyoNode('c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e07', 'Klaviyo', [560, 420]),
		{
			id: 'c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e08',
			name: 'Outcome per letter',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [820, 420],
			parameters: { jsCode: code('replay-outcome') },
		},
		ifEquals('c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e09', 'Letter failed again?', [1040, 420], 'status-is-failed', '={{ $json.status }}', 'failed'),
		markRow('c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e10', 'Mark failed again', [1260, 340], {
			status: 'failed',
			error: '={{ $json.error }}',
			replays: '={{ $json.replays }}',
			lastTriedAt: '={{ $now.toISO() }}',
		}),
		markRow('c3f2e8f0-3d9a-4b77-9e83-8f2b3c4d5e11', 'Mark done', [1260, 520], {
			status: 'done',
			replays: '={{ $json.replays }}',
			lastTriedAt: '={{ $now.toISO() }}',
		}),
	],
	connections: {
		'Replay from the editor': { main: [[{ node: 'Letters to replay', type: 'main', index: 0 }]] },
		'Replay from npm run replay': { main: [[{ node: 'Letters to replay', type: 'main', index: 0 }]] },
		'Letters to replay': { main: [[{ node: 'Rebuild delivery or request', type: 'main', index: 0 }]] },
		'Rebuild delivery or request': { main: [[{ node: 'Delivery or request?', type: 'main', index: 0 }]] },
		'Delivery or request?': {
			main: [[{ node: 'Shopify to Klaviyo', type: 'main', index: 0 }], [{ node: 'Klaviyo', type: 'main', index: 0 }]],
		},
		'Shopify to Klaviyo': {
			main: [
				[{ node: 'Klaviyo', type: 'main', index: 0 }],
				[{ node: 'Outcome per letter', type: 'main', index: 0 }],
				[{ node: 'Outcome per letter', type: 'main', index: 0 }],
			],
		},
		Klaviyo: {
			main: [[{ node: 'Outcome per letter', type: 'main', index: 0 }], [{ node: 'Outcome per letter', type: 'main', index: 0 }]],
		},
		'Outcome per letter': { main: [[{ node: 'Letter failed again?', type: 'main', index: 0 }]] },
		'Letter failed again?': {
			main: [[{ node: 'Mark failed again', type: 'main', index: 0 }], [{ node: 'Mark done', type: 'main', index: 0 }]],
		},
	},
	pinData: {},
	tags: [],
};

/** n8n 2.x publishes a *version*: give each workflow a versionId derived from its content. */
function withVersionId(wf) {
	const hash = require('node:crypto').createHash('sha256').update(JSON.stringify(wf)).digest('hex');
	const versionId = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
	return { ...wf, versionId };
}

const outDir = path.join(__dirname, '..');
for (const [file, wf] of [
	['shopify-to-klaviyo.json', sync],
	['klaviyo-dead-letter.json', deadLetter],
	['klaviyo-dead-letter-replay.json', replay],
]) {
	fs.writeFileSync(path.join(outDir, file), JSON.stringify(withVersionId(wf), null, 2) + '\n');
	console.log(`wrote workflows/${file}`);
}
