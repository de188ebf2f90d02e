#!/usr/bin/env node
'use strict';
/**
 * Source of the shipped workflows. `node workflows/src/build.js` (after `npm run build`: it copies the
 * compiled objectState() into a Code node) writes:
 *
 *   workflows/shopify-to-klaviyo.json           the whole sync: live path, dead letters, replay. Imports
 *                                               anywhere: no workflow, table or credential id to match —
 *                                               its Data Tables are found by name and created on publish.
 *   workflows/shopify-to-klaviyo-recovery.json  OPTIONAL crash recovery (lost workers, crashed executions).
 *                                               A separate file for one reason: it needs n8n's API (an
 *                                               *n8n API* credential), and n8n 2.41 refuses to publish a
 *                                               workflow with a node whose credential is missing — so in
 *                                               the sync it would make that credential mandatory.
 *
 * Kept as code so the Code nodes' JavaScript lives in readable files (workflows/src/*.code.js).
 * A unit test (test/unit/workflows/build.test.js) regenerates both and compares them with the committed files.
 */
const fs = require('node:fs');
const path = require('node:path');

const PKG = 'n8n-nodes-shopify-klaviyo';
/** Credential references as the editor writes them; the ids are placeholders the user's choice replaces. */
const CREDS = {
	shopify: { shopifyWebhookApi: { id: 'pick-your-shopify-credential', name: 'Shopify account' } },
	klaviyo: { klaviyoPrivateKeyApi: { id: 'pick-your-klaviyo-credential', name: 'Klaviyo account' } },
	n8nApi: { n8nApi: { id: 'pick-your-n8n-api-credential', name: 'n8n account' } },
};
const {
	DEAD_LETTER_TABLE,
	STATE_TABLE,
	SYNC_STATE_TABLE,
	BACKFILL_TABLE,
	DEAD_LETTER_COLUMNS,
	STATE_COLUMNS,
	SYNC_STATE_COLUMNS,
	BACKFILL_COLUMNS,
	tableNameClashes,
} = require('./tables');
const table = (name) => ({ __rl: true, mode: 'name', value: name });

function objectStateSource() {
	const compiled = path.join(__dirname, '..', '..', 'dist', 'nodes', 'shared', 'objectState.js');
	if (!fs.existsSync(compiled)) throw new Error('dist/nodes/shared/objectState.js is missing: run `npm run build` first');
	delete require.cache[require.resolve(compiled)];
	return require(compiled).objectState.toString();
}

const code = (name) => {
	// each <name>.code.js exports a function whose body is the Code node's JavaScript
	const src = require(path.join(__dirname, `${name}.code.js`)).toString();
	const body = src.slice(src.indexOf('{') + 1, src.lastIndexOf('}'));
	const lines = body.split('\n');
	while (lines.length && !lines[0].trim()) lines.shift();
	while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
	const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^\t*/)[0].length));
	let js = lines.map((l) => l.slice(indent)).join('\n') + '\n';
	if (js.includes('__OBJECT_STATE__')) js = js.replace('__OBJECT_STATE__', objectStateSource());
	if (js.includes('__TABLE_NAMES__')) js = js.replace('__TABLE_NAMES__', JSON.stringify([DEAD_LETTER_TABLE, STATE_TABLE, SYNC_STATE_TABLE, BACKFILL_TABLE]));
	if (js.includes('__BACKFILL_COLUMNS__')) js = js.replace('__BACKFILL_COLUMNS__', JSON.stringify(BACKFILL_COLUMNS));
	if (js.includes('__TABLE_NAME_CLASHES__')) js = js.replace('__TABLE_NAME_CLASHES__', tableNameClashes.toString());
	return js;
};
let uuidCounter = 0;
const id = (prefix) => `${prefix}-0000-4000-8000-${String(++uuidCounter).padStart(12, '0')}`;
const sticky = (name, content, [x, y], [w, h], color) => ({
	id: id('5717c4e0'),
	name,
	type: 'n8n-nodes-base.stickyNote',
	typeVersion: 1,
	position: [x, y],
	parameters: { content, width: w, height: h, ...(color ? { color } : {}) },
});
const node = (name, type, typeVersion, position, parameters = {}, extra = {}) => ({
	id: id('a1f0c6de'),
	name,
	type,
	typeVersion,
	position,
	parameters,
	...extra,
});
const codeNode = (name, file, position, extra = {}) => node(name, 'n8n-nodes-base.code', 2, position, { jsCode: code(file) }, extra);
const conditions = (list, matchType = 'allConditions') => ({
	matchType,
	filters: { conditions: list.map(([keyName, condition, keyValue]) => ({ keyName, condition, ...(keyValue !== undefined ? { keyValue } : {}) })) },
});
const createTable = (name, tableName, columns, position, extra = {}) =>
	node(name, 'n8n-nodes-base.dataTable', 1.1, position, {
		resource: 'table',
		operation: 'create',
		tableName,
		columns: { column: columns.map(([n, type]) => ({ name: n, type })) },
		options: { createIfNotExists: true },
	}, { executeOnce: true, ...extra });
const updateRows = (name, position, where, values, extra = {}) =>
	node(name, 'n8n-nodes-base.dataTable', 1.1, position, {
		resource: 'row',
		operation: 'update',
		dataTableId: table(DEAD_LETTER_TABLE),
		...conditions(where),
		columns: { mappingMode: 'defineBelow', value: values, matchingColumns: [], schema: [] },
		options: {},
	}, extra);
/** One row per letterId in the dead-letter table: a re-report of the same letter updates its row. */
const upsertLetters = (name, position) =>
	node(name, 'n8n-nodes-base.dataTable', 1.1, position, {
		resource: 'row',
		operation: 'upsert',
		dataTableId: table(DEAD_LETTER_TABLE),
		...conditions([['letterId', 'eq', '={{ $json.letterId }}']]),
		columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
		options: {},
	});
const to = (...targets) => targets.map((t) => ({ node: t, type: 'main', index: 0 }));
const settings = (extra = {}) => ({ executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner', ...extra });

// ─── the sync ─────────────────────────────────────────────────────────────────────────────────────
const T = 'Shopify Webhook Trigger';
const M = 'Shopify to Klaviyo';
const K = 'Klaviyo';
const sync = {
	name: 'Shopify → Klaviyo sync',
	settings: settings(),
	nodes: [
		sticky('Note: trigger', '## 1. Shopify delivers\nOne URL for every topic: `<n8n>/webhook/shopify`.\nThe trigger checks the HMAC signature over the raw bytes (forged → 401, nothing runs), answers Shopify at once, and passes on the payload with topic, shop, event id and an **idempotency key**.\n\n**Credential:** pick your *Shopify Webhook* credential (signing secret; with an Admin API token the webhooks are registered for you on publish).', [-460, -80], [380, 320]),
		sticky('Note: mapping', '## 2. Map to Klaviyo\nCustomers → profiles; orders → Placed Order, Ordered Product, Fulfilled / Cancelled / Refunded Order; checkouts → Checkout Started; consent → subscribe / unsubscribe; redact → deletion request.\n\n**Customise here, no code:** metric names, extra properties, toggles. Replays use this same node, so they map exactly like the live sync.\n\nOutputs: **Requests**, **Skipped** (with the reason), **Invalid** (a field cannot be mapped → dead letter), **Object State** (remembered in Data Table `shopify_object_state`, so a replay never goes backwards).', [-60, -80], [400, 320]),
		sticky('Note: klaviyo', '## 3. Send to Klaviyo\nPaced to Klaviyo\'s per-account limits; 429 / 5xx / network errors are retried with backoff that honours Retry-After. `unique_id`s make every re-send idempotent.\n\n**Credential:** pick your *Klaviyo Private Key* credential.\n\nPermanent failures leave on the **error output** and become **dead letters**.', [360, -80], [380, 320], 4),
		node(T, `${PKG}.shopifyWebhookTrigger`, 2, [-360, 320], { path: 'shopify' }, { webhookId: '6b0d2c4e-8a3f-4d51-b7e9-2f4c6a8d0e13', credentials: CREDS.shopify }),
		node(M, `${PKG}.shopifyToKlaviyo`, 1, [40, 320], { checkObjectState: true }),
		sticky('Note: never backwards', '## Never go backwards\nShopify does not order its deliveries. Profile updates and consent changes (output **Requests to Check**) are sent only if no NEWER state of the same customer or consent was applied already (Data Table `shopify_object_state`, shared by all workers); older ones go to *Older than applied* with the reason. Events are idempotent and go straight to Klaviyo.', [-460, 1080 - 520], [380, 240], 6),
		node('Newer state applied?', 'n8n-nodes-base.dataTable', 1.1, [40, 560], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(STATE_TABLE),
			...conditions([['objectKey', 'eq', '={{ $json.object.objectKey }}'], ['objectUpdatedAtMs', 'gt', '={{ $json.object.updatedAtMs }}']]),
			returnAll: false,
			limit: 1,
			options: {},
		}, { alwaysOutputData: true }),
		codeNode('Older than applied state?', 'live-stale-check', [240, 560]),
		node('Stale?', 'n8n-nodes-base.if', 2.2, [240, 740], {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				conditions: [{ id: 'is-stale', leftValue: '={{ $json.stale }}', rightValue: true, operator: { type: 'boolean', operation: 'true', singleValue: true } }],
				combinator: 'and',
			},
			options: {},
		}),
		node('Older than applied (not sent)', 'n8n-nodes-base.noOp', 1, [460, 820]),
		node(K, `${PKG}.klaviyo`, 1, [460, 300], { resource: 'mappedRequest', operation: 'send' }, { credentials: CREDS.klaviyo, onError: 'continueErrorOutput' }),
		node('Skipped (nothing to send)', 'n8n-nodes-base.noOp', 1, [460, 480]),
		node('Remember object state', 'n8n-nodes-base.dataTable', 1.1, [460, 660], {
			resource: 'row',
			operation: 'insert',
			dataTableId: table(STATE_TABLE),
			columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
			options: {},
		}),

		sticky('Note: dead letters', '## Dead letters\nEvery delivery or request that could not be delivered becomes one row of the Data Table **klaviyo_dead_letters** (created on publish when missing), keyed by `letterId` (re-reports update the same row):\n- **Invalid** deliveries (the mapper names the field) — fix the `payload` cell, then replay;\n- Klaviyo requests that failed permanently (the **error output**);\n- executions that **crashed** (this workflow\'s own Error Trigger). n8n does not hand over the delivery: the optional recovery workflow fills it in (it needs an n8n API credential).', [820, -80], [480, 360], 3),
		codeNode('Dead letter from invalid delivery', 'dead-letter-from-invalid', [860, 480]),
		codeNode('Dead letters from failed requests', 'dead-letter-from-request', [860, 300]),
		node('Error Trigger', 'n8n-nodes-base.errorTrigger', 1, [640, 860]),
		codeNode('Dead letter from crashed execution', 'dead-letter-from-crash', [860, 860]),
		createTable('Ensure dead-letter table', DEAD_LETTER_TABLE, DEAD_LETTER_COLUMNS, [1080, 480]),
		codeNode('Dead letters to save', 'dead-letters-to-save', [1300, 480]),
		upsertLetters('Save dead letter', [1520, 480]),

		// ─── reconciliation and sync health (its own canvas region, right of the dead letters) ───────
		sticky('Note: reconciliation', '## Reconciliation (every 15 min)\nWebhooks alone lose data (Shopify gives up after 8 failed tries; n8n may have been down). Every 15 minutes (edit the schedule) this asks Shopify for the orders and customers updated since the **checkpoint** (minus a 10 min overlap; Data Table `shopify_sync_state`, shared by all workers — set `checkpoint` to an ISO time to re-read from there). Objects whose current state is already in `shopify_object_state` (delivered live) are skipped: a quiet store costs 2 Shopify calls and **no** Klaviyo call. The rest run through **the same** mapper and Klaviyo nodes as the live sync (this workflow calls itself). The checkpoint advances only after that finished (every request accepted or kept as a dead letter).\n\n**Credential:** the Shopify credential needs an *Admin API Access Token* (read_orders, read_customers). Without one, disable this schedule.', [1900, -80], [620, 400], 6),
		node('Reconcile every 15 min', 'n8n-nodes-base.scheduleTrigger', 1.2, [1960, 420], { rule: { interval: [{ field: 'minutes', minutesInterval: 15 }] } }),
		node('Reconciliation settings', 'n8n-nodes-base.set', 3.4, [2180, 420], {
			assignments: {
				assignments: [
					{ id: 'c0ffee00-0000-4000-8000-000000000001', name: 'deadLetterAlertMinutes', value: 60, type: 'number' },
					{ id: 'c0ffee00-0000-4000-8000-000000000002', name: 'noDeliveryAlertMinutes', value: 60, type: 'number' },
				],
			},
			options: {},
		}),
		createTable('Ensure sync-state table', SYNC_STATE_TABLE, SYNC_STATE_COLUMNS, [2400, 420]),
		node('Sync state', 'n8n-nodes-base.dataTable', 1.1, [2620, 420], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(SYNC_STATE_TABLE),
			...conditions([['name', 'eq', 'reconciliation']]),
			returnAll: false,
			limit: 1,
			options: {},
		}, { executeOnce: true, alwaysOutputData: true }),
		codeNode('Reconciliation window', 'reconcile-window', [2840, 420]),
		node('Changed in Shopify', `${PKG}.shopifyAdmin`, 1, [3060, 420], {
			operation: 'getChanges',
			resources: ['orders', 'customers'],
			since: '={{ $json.since }}',
			overlapMinutes: 10,
			initialWindowMinutes: 60,
		}, { credentials: CREDS.shopify, onError: 'continueErrorOutput' }),
		node('States in the window', 'n8n-nodes-base.dataTable', 1.1, [3280, 420], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(STATE_TABLE),
			...conditions([['objectUpdatedAtMs', 'gte', '={{ Date.parse($json.since) || 0 }}']]),
			returnAll: true,
			options: {},
		}, { executeOnce: true, alwaysOutputData: true }),
		node('Newest object states', 'n8n-nodes-base.dataTable', 1.1, [3500, 420], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(STATE_TABLE),
			returnAll: false,
			limit: 200,
			orderBy: true,
			orderByColumn: 'createdAt',
			orderByDirection: 'DESC',
			options: {},
		}, { executeOnce: true, alwaysOutputData: true }),
		node('Dead letters waiting', 'n8n-nodes-base.dataTable', 1.1, [3720, 420], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(DEAD_LETTER_TABLE),
			...conditions([['status', 'eq', 'pending'], ['status', 'eq', 'failed'], ['status', 'eq', 'replay']], 'anyCondition'),
			returnAll: false,
			limit: 1000,
			orderBy: true,
			orderByColumn: 'createdAt',
			orderByDirection: 'ASC',
			options: {},
		}, { executeOnce: true, alwaysOutputData: true }),
		codeNode('Not applied yet', 'reconcile-candidates', [3940, 420], { alwaysOutputData: true }),
		node('Earlier state of the object', 'n8n-nodes-base.dataTable', 1.1, [4160, 420], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(STATE_TABLE),
			...conditions([['objectKey', 'eq', "={{ $json.objectKey || 'none' }}"]]),
			returnAll: false,
			limit: 1,
			orderBy: true,
			orderByColumn: 'objectUpdatedAtMs',
			orderByDirection: 'DESC',
			options: {},
		}, { alwaysOutputData: true }),
		codeNode('What reconciliation sends', 'reconcile-decide', [4380, 420]),
		node('Missed anything?', 'n8n-nodes-base.if', 2.2, [4600, 420], {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				conditions: [{ id: 'has-missed', leftValue: '={{ $json.send }}', rightValue: true, operator: { type: 'boolean', operation: 'true', singleValue: true } }],
				combinator: 'and',
			},
			options: {},
		}),
		node('Send through the sync', 'n8n-nodes-base.executeWorkflow', 1.2, [4820, 340], {
			source: 'database',
			workflowId: { __rl: true, mode: 'id', value: '={{ $workflow.id }}' },
			mode: 'each',
			options: { waitForSubWorkflow: true },
		}, { onError: 'continueErrorOutput' }),
		node('Objects this run sent', 'n8n-nodes-base.dataTable', 1.1, [5040, 300], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(STATE_TABLE),
			...conditions([
				['receivedAt', 'eq', "={{ $('What reconciliation sends').first().json.receivedAt }}"],
				['idempotencyKey', 'like', ':reconciliation:'],
			]),
			returnAll: true,
			options: {},
		}, { executeOnce: true, alwaysOutputData: true }),
		codeNode('Reconciliation result', 'reconcile-result', [5260, 420]),
		codeNode('Reconciliation failed', 'reconcile-failed', [5260, 640]),
		node('Save sync state', 'n8n-nodes-base.dataTable', 1.1, [5480, 520], {
			resource: 'row',
			operation: 'upsert',
			dataTableId: table(SYNC_STATE_TABLE),
			...conditions([['name', 'eq', 'reconciliation']]),
			columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
			options: {},
		}),
		codeNode('Sync alerts', 'sync-alerts', [5700, 520]),
		sticky('Note: alerts', '## Sync health and alerts\nEach run writes the health figures to `shopify_sync_state` (last live delivery, last run and how many objects it had to send, dead letters waiting) and emits one item per alert on **Sync alert**:\n- `missed-by-live-path` — reconciliation sent objects the webhooks had not delivered;\n- `dead-letters-pending` — dead letters waiting longer than *deadLetterAlertMinutes*;\n- `no-live-deliveries` — no live delivery for *noDeliveryAlertMinutes* while Shopify shows newer orders;\n- `reconciliation-failed` — Shopify could not be read (the checkpoint stays).\nThresholds: *Reconciliation settings*.\n\n**To be told:** connect a **Slack** (Send Message, text `{{ $json.message }}`) or **Send Email** node (subject `{{ $json.subject }}`) to *Sync alert*.', [5660, -80], [520, 460], 3),
		node('Sync alert', 'n8n-nodes-base.noOp', 1, [5920, 520]),

		sticky('Note: publish', '## On publish\nCreates the Data Tables **klaviyo_dead_letters**, **shopify_object_state** and **shopify_sync_state** when they are missing (also when n8n starts), then checks that no other table\'s name contains theirs: n8n finds tables by name with a *contains* match, so rename such a table (e.g. a copy `klaviyo_dead_letters_backup`).', [-460, 1060], [560, 220], 7),
		node('On publish or start', 'n8n-nodes-base.n8nTrigger', 1, [-360, 1300], { events: ['activate', 'init', 'update'] }),
		// a failure here is explained by the name check that follows (n8n's by-name match is "contains")
		createTable('Create dead-letter table', DEAD_LETTER_TABLE, DEAD_LETTER_COLUMNS, [-140, 1300], { onError: 'continueRegularOutput' }),
		createTable('Create object-state table', STATE_TABLE, STATE_COLUMNS, [80, 1300], { onError: 'continueRegularOutput' }),
		createTable('Create sync-state table', SYNC_STATE_TABLE, SYNC_STATE_COLUMNS, [190, 1460], { onError: 'continueRegularOutput' }),
		createTable('Create backfill table', BACKFILL_TABLE, BACKFILL_COLUMNS, [190, 1160], { onError: 'continueRegularOutput' }),
		node('Data tables of this project', 'n8n-nodes-base.dataTable', 1.1, [300, 1300], { resource: 'table', operation: 'list', returnAll: true, options: {} }, { executeOnce: true }),
		codeNode('Check table names', 'check-table-names', [520, 1300]),

		sticky('Note: replay', '## Replay dead letters\n**Execute workflow** on *Replay from the editor* re-sends every row whose status is `pending`, `failed` or `replay`; or set a row\'s status to `replay` in the Data Table and it is re-sent within 30 s (`npm run replay` does that).\n\nEach letter runs through **the same** mapper and Klaviyo nodes as the live sync (in its own execution of this workflow). A letter is `done` only when every request it produced succeeded, else `failed` with the errors. A delivery whose object has since been delivered in a newer state is **not** replayed: `superseded`, with the reason; a row whose cell is not valid JSON: `failed`, with the reason. To drop a letter, set its status to `done`.', [-460, 1560], [520, 360], 5),
		node('Replay from the editor', 'n8n-nodes-base.manualTrigger', 1, [-360, 1960]),
		node('Letters to replay', 'n8n-nodes-base.dataTable', 1.1, [-140, 1960], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(DEAD_LETTER_TABLE),
			...conditions([['status', 'eq', 'pending'], ['status', 'eq', 'failed'], ['status', 'eq', 'replay'], ['status', 'eq', 'replaying']], 'anyCondition'),
			returnAll: true,
			options: {},
		}, { executeOnce: true }),
		node('Replay requests, every 30 s', 'n8n-nodes-base.scheduleTrigger', 1.2, [-360, 2160], { rule: { interval: [{ field: 'seconds', secondsInterval: 30 }] } }),
		node('Letters marked replay', 'n8n-nodes-base.dataTable', 1.1, [-140, 2160], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(DEAD_LETTER_TABLE),
			...conditions([['status', 'eq', 'replay']]),
			returnAll: true,
			options: {},
		}, { executeOnce: true, onError: 'continueRegularOutput' }),
		codeNode('Letters and their objects', 'replay-select', [80, 2060]),
		node('Newer state delivered since?', 'n8n-nodes-base.dataTable', 1.1, [300, 2060], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(STATE_TABLE),
			...conditions([['objectKey', 'eq', '={{ $json.objectKey }}'], ['objectUpdatedAtMs', 'gt', '={{ $json.objectUpdatedAtMs }}']]),
			returnAll: false,
			limit: 1,
			options: {},
		}, { alwaysOutputData: true }),
		codeNode('Superseded or replay', 'replay-decide', [520, 2060]),
		node('Not to replay?', 'n8n-nodes-base.if', 2.2, [740, 2060], {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [{ id: 'is-not-replayed', leftValue: '={{ $json.notReplayed }}', rightValue: '', operator: { type: 'string', operation: 'notEmpty', singleValue: true } }],
				combinator: 'and',
			},
			options: {},
		}),
		updateRows('Mark superseded or unreadable', [960, 1960], [['letterId', 'eq', '={{ $json.letterId }}']], {
			status: '={{ $json.notReplayed }}',
			error: '={{ $json.reason }}',
			lastTriedAt: '={{ $now.toISO() }}',
		}),
		updateRows('Mark replaying', [960, 2160], [['letterId', 'eq', '={{ $json.letterId }}']], {
			status: 'replaying',
			error: '',
			replays: '={{ $json.replays + 1 }}',
			lastTriedAt: '={{ $now.toISO() }}',
		}),
		node('Replay each letter', 'n8n-nodes-base.executeWorkflow', 1.2, [1180, 2160], {
			source: 'database',
			workflowId: { __rl: true, mode: 'id', value: '={{ $workflow.id }}' },
			mode: 'each',
			options: { waitForSubWorkflow: true },
		}, { onError: 'continueErrorOutput' }),
		updateRows('Mark replayed letters done', [1400, 2100], [['status', 'eq', 'replaying']], { status: 'done' }, { executeOnce: true }),
		updateRows('Mark letter failed', [1400, 2280], [['letterId', 'eq', '={{ $json.letterId }}']], {
			status: 'failed',
			error: "={{ 'replay crashed: ' + ($json.error && $json.error.message ? $json.error.message : $json.error) }}",
		}),
		node('Replay one letter', 'n8n-nodes-base.executeWorkflowTrigger', 1.1, [-360, 2460], { inputSource: 'passthrough' }),
		codeNode('Rebuild delivery or request', 'replay-rebuild', [-140, 2460]),
		node('Delivery or request?', 'n8n-nodes-base.if', 2.2, [80, 2460], {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [{ id: 'kind-is-request', leftValue: '={{ ($json.letter || {}).kind }}', rightValue: 'request', operator: { type: 'string', operation: 'equals' } }],
				combinator: 'and',
			},
			options: {},
		}),

		// ─── backfill (history through Shopify bulk operations and Klaviyo bulk jobs) ─────────────
		sticky('Note: backfill', '## Backfill: import history\n**From the editor:** set *since* / *until* in **Backfill range**, then *Execute workflow* on **Start backfill from the editor**. **From a terminal:** `npm run backfill -- --since 2025-01-01` (a `requested` row, picked up within 30 s).\n\nShopify bulk operations export the orders and customers (with consent) created in the range; each chunk of 1 000 objects runs through **the same** *Shopify to Klaviyo* and *Klaviyo* nodes as the live sync: same `unique_id`s (history overlapping live traffic is kept once), events in bulk jobs with `backfill: true` (no flows triggered), profiles in bulk import jobs, consent with `historical_import`. Failures become dead letters.\n\n**Progress:** Data table **shopify_backfill** (objects done / total, events, profiles, consent sent, errors). Each chunk is saved after it reached Klaviyo; if n8n stops, the run continues where it stopped (at start, or within 3 min).', [-460, 2700], [640, 420], 6),
		node('Start backfill from the editor', 'n8n-nodes-base.manualTrigger', 1, [-360, 3200]),
		node('Backfill range', 'n8n-nodes-base.set', 3.4, [-140, 3200], {
			mode: 'manual',
			assignments: {
				assignments: [
					{ id: 'backfill-since', name: 'since', value: '2025-01-01', type: 'string' },
					{ id: 'backfill-until', name: 'until', value: '', type: 'string' },
				],
			},
			options: {},
		}),
		node('Backfill, every 30 s', 'n8n-nodes-base.scheduleTrigger', 1.2, [-360, 3380], { rule: { interval: [{ field: 'seconds', secondsInterval: 30 }] } }),
		node('On n8n start (backfill)', 'n8n-nodes-base.n8nTrigger', 1, [-360, 3560], { events: ['init'] }),
		node('Backfill chunk?', 'n8n-nodes-base.if', 2.2, [-140, 2560], {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				conditions: [{ id: 'is-backfill-chunk', leftValue: '={{ $json.runId }}', rightValue: '', operator: { type: 'string', operation: 'exists', singleValue: true } }],
				combinator: 'and',
			},
			options: {},
		}),
		createTable('Ensure backfill table', BACKFILL_TABLE, BACKFILL_COLUMNS, [80, 3380]),
		node('Backfill runs', 'n8n-nodes-base.dataTable', 1.1, [300, 3380], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(BACKFILL_TABLE),
			...conditions([['status', 'eq', 'requested'], ['status', 'eq', 'running']], 'anyCondition'),
			returnAll: true,
			options: {},
		}, { executeOnce: true, alwaysOutputData: true }),
		codeNode('Backfill run to continue', 'backfill-continue', [520, 3380]),
		node('Claim backfill run', 'n8n-nodes-base.dataTable', 1.1, [740, 3380], {
			resource: 'row',
			operation: 'upsert',
			dataTableId: table(BACKFILL_TABLE),
			...conditions([['runId', 'eq', '={{ $json.runId }}']]),
			columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
			options: {},
		}),
		node('Read backfill chunk', `${PKG}.shopifyAdmin`, 1, [960, 3380], { operation: 'backfillChunk', resources: ['orders', 'customers'], chunkObjects: 1000 }, { credentials: CREDS.shopify, onError: 'continueRegularOutput' }),
		codeNode('Backfill progress', 'backfill-progress', [1180, 3460]),
		node('Save backfill progress', 'n8n-nodes-base.dataTable', 1.1, [1400, 3460], {
			resource: 'row',
			operation: 'upsert',
			dataTableId: table(BACKFILL_TABLE),
			...conditions([['runId', 'eq', '={{ $json.runId }}']]),
			columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
			options: {},
		}),
		node('More to read?', 'n8n-nodes-base.if', 2.2, [1620, 3460], {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				conditions: [
					{ id: 'backfill-running', leftValue: '={{ $json.status }}', rightValue: 'running', operator: { type: 'string', operation: 'equals' } },
					{ id: 'backfill-no-error', leftValue: '={{ $json.lastError }}', rightValue: '', operator: { type: 'string', operation: 'empty', singleValue: true } },
				],
				combinator: 'and',
			},
			options: {},
		}),
		// the next chunk in an execution of its own (memory stays one chunk's worth); not waited for
		node('Next chunk', 'n8n-nodes-base.executeWorkflow', 1.2, [1840, 3440], {
			source: 'database',
			workflowId: { __rl: true, mode: 'id', value: '={{ $workflow.id }}' },
			mode: 'once',
			options: { waitForSubWorkflow: false },
		}),
	],
	connections: {
		[T]: { main: [to(M)] },
		[M]: { main: [to(K), to('Skipped (nothing to send)'), to('Dead letter from invalid delivery'), to('Remember object state'), to('Newer state applied?')] },
		'Newer state applied?': { main: [to('Older than applied state?')] },
		'Older than applied state?': { main: [to('Stale?')] },
		'Stale?': { main: [to('Older than applied (not sent)'), to(K)] },
		// the success output is left open: one node run less per delivery (the results are on the Klaviyo node)
		[K]: { main: [[], to('Dead letters from failed requests')] },
		'Dead letter from invalid delivery': { main: [to('Ensure dead-letter table')] },
		'Dead letters from failed requests': { main: [to('Ensure dead-letter table')] },
		'Error Trigger': { main: [to('Dead letter from crashed execution')] },
		'Dead letter from crashed execution': { main: [to('Ensure dead-letter table')] },
		'Ensure dead-letter table': { main: [to('Dead letters to save')] },
		'Dead letters to save': { main: [to('Save dead letter')] },
		'On publish or start': { main: [to('Create dead-letter table')] },
		'Create dead-letter table': { main: [to('Create object-state table')] },
		'Create object-state table': { main: [to('Create sync-state table')] },
		'Create sync-state table': { main: [to('Create backfill table')] },
		'Create backfill table': { main: [to('Data tables of this project')] },
		'Data tables of this project': { main: [to('Check table names')] },
		'Replay from the editor': { main: [to('Letters to replay')] },
		'Letters to replay': { main: [to('Letters and their objects')] },
		'Replay requests, every 30 s': { main: [to('Letters marked replay')] },
		'Letters marked replay': { main: [to('Letters and their objects')] },
		'Letters and their objects': { main: [to('Newer state delivered since?')] },
		'Newer state delivered since?': { main: [to('Superseded or replay')] },
		'Superseded or replay': { main: [to('Not to replay?')] },
		'Not to replay?': { main: [to('Mark superseded or unreadable'), to('Mark replaying')] },
		'Mark replaying': { main: [to('Replay each letter')] },
		'Replay each letter': { main: [to('Mark replayed letters done'), to('Mark letter failed')] },
		// this workflow calls itself for a dead letter to replay, or for the next chunk of a backfill
		'Replay one letter': { main: [to('Backfill chunk?')] },
		'Backfill chunk?': { main: [to('Ensure backfill table'), to('Rebuild delivery or request')] },
		'Start backfill from the editor': { main: [to('Backfill range')] },
		'Backfill range': { main: [to('Ensure backfill table')] },
		'Backfill, every 30 s': { main: [to('Ensure backfill table')] },
		'On n8n start (backfill)': { main: [to('Ensure backfill table')] },
		'Ensure backfill table': { main: [to('Backfill runs')] },
		'Backfill runs': { main: [to('Backfill run to continue')] },
		'Backfill run to continue': { main: [to('Claim backfill run')] },
		'Claim backfill run': { main: [to('Read backfill chunk')] },
		// deliveries first (the mapper sits higher on the canvas: n8n finishes its branch first), then progress
		'Read backfill chunk': { main: [to(M), to('Backfill progress')] },
		'Backfill progress': { main: [to('Save backfill progress')] },
		'Save backfill progress': { main: [to('More to read?')] },
		'More to read?': { main: [to('Next chunk')] },
		'Rebuild delivery or request': { main: [to('Delivery or request?')] },
		'Delivery or request?': { main: [to(K), to(M)] },
		'Reconcile every 15 min': { main: [to('Reconciliation settings')] },
		'Reconciliation settings': { main: [to('Ensure sync-state table')] },
		'Ensure sync-state table': { main: [to('Sync state')] },
		'Sync state': { main: [to('Reconciliation window')] },
		'Reconciliation window': { main: [to('Changed in Shopify')] },
		// Deliveries (output 0) are read by the Code nodes; Summary (1) goes on; errors (2) are an alert
		'Changed in Shopify': { main: [[], to('States in the window'), to('Reconciliation failed')] },
		'States in the window': { main: [to('Newest object states')] },
		'Newest object states': { main: [to('Dead letters waiting')] },
		'Dead letters waiting': { main: [to('Not applied yet')] },
		'Not applied yet': { main: [to('Earlier state of the object')] },
		'Earlier state of the object': { main: [to('What reconciliation sends')] },
		'What reconciliation sends': { main: [to('Missed anything?')] },
		'Missed anything?': { main: [to('Send through the sync'), to('Reconciliation result')] },
		'Send through the sync': { main: [to('Objects this run sent'), to('Reconciliation failed')] },
		'Objects this run sent': { main: [to('Reconciliation result')] },
		'Reconciliation result': { main: [to('Save sync state')] },
		'Reconciliation failed': { main: [to('Save sync state')] },
		'Save sync state': { main: [to('Sync alerts')] },
		'Sync alerts': { main: [to('Sync alert')] },
	},
	pinData: {},
	tags: [],
};

// ─── optional crash recovery ──────────────────────────────────────────────────────────────────────
const n8nNode = (name, position, parameters, extra = {}) =>
	node(name, 'n8n-nodes-base.n8n', 1, position, { requestOptions: {}, ...parameters }, { credentials: CREDS.n8nApi, alwaysOutputData: true, ...extra });
const recovery = {
	name: 'Shopify → Klaviyo crash recovery (optional)',
	settings: settings(),
	nodes: [
		sticky('Note: recovery', '## Crash recovery (optional)\nNeeds an **n8n API** credential (Settings → n8n API → create an API key; then a credential of type *n8n API* with it and `<your n8n>/api/v1`).\n\nEvery 30 s:\n- **crashed executions** of the sync: the sync recorded `execution:<id>` dead letters without the delivery (n8n does not hand it to the Error Trigger); fetch the execution and fill it in.\n- **lost workers** (queue mode): n8n wipes the data of executions a dead worker held ~1–2 min later. Deliveries of sync executions still running after 30 s are kept as `watching` letters; a letter becomes `pending` (to replay) only if its execution failed or runs longer than the Klaviyo retry budget (10 min), and `done` if it finished after all.', [-460, -100], [560, 380], 3),
		node('Every 30 s', 'n8n-nodes-base.scheduleTrigger', 1.2, [-360, 360], { rule: { interval: [{ field: 'seconds', secondsInterval: 30 }] } }),
		n8nNode('Sync workflows', [-140, 360], { resource: 'workflow', operation: 'getAll', returnAll: true, filters: { activeWorkflows: true } }, { executeOnce: true }),
		n8nNode('Running executions', [80, 360], { resource: 'execution', operation: 'getAll', returnAll: true, filters: { status: "={{ 'running' }}" } /* an expression: n8n's API filters by running, the node's option list stops at error/success/waiting */, options: { activeWorkflows: true } }, { executeOnce: true, retryOnFail: true, maxTries: 3, waitBetweenTries: 2000 }),
		n8nNode('Recent executions', [300, 360], { resource: 'execution', operation: 'getAll', returnAll: false, limit: 100, filters: {}, options: {} }, { executeOnce: true, retryOnFail: true, maxTries: 3, waitBetweenTries: 2000 }),
		codeNode('Unlisted execution ids', 'recovery-unlisted', [520, 360], { alwaysOutputData: true }),
		n8nNode('Get unlisted execution', [740, 360], { resource: 'execution', operation: 'get', executionId: '={{ $json.id }}', options: { activeWorkflows: true } }, { onError: 'continueRegularOutput' }),
		node('Dead letters to check', 'n8n-nodes-base.dataTable', 1.1, [960, 360], {
			resource: 'row',
			operation: 'get',
			dataTableId: table(DEAD_LETTER_TABLE),
			...conditions([['status', 'eq', 'watching'], ['kind', 'eq', 'execution']], 'anyCondition'),
			returnAll: true,
			options: {},
		}, { executeOnce: true, alwaysOutputData: true, onError: 'continueRegularOutput' }),
		codeNode('Executions to look up', 'recovery-lookups', [1180, 360], { alwaysOutputData: true }),
		n8nNode('Get letter execution', [1400, 360], { resource: 'execution', operation: 'get', executionId: '={{ $json.id }}', options: { activeWorkflows: true } }, { onError: 'continueRegularOutput' }),
		codeNode('Recover dead letters', 'recovery', [1620, 360]),
		upsertLetters('Save recovered letters', [1840, 360]),
	],
	connections: {
		'Every 30 s': { main: [to('Sync workflows')] },
		'Sync workflows': { main: [to('Running executions')] },
		'Running executions': { main: [to('Recent executions')] },
		'Recent executions': { main: [to('Unlisted execution ids')] },
		'Unlisted execution ids': { main: [to('Get unlisted execution')] },
		'Get unlisted execution': { main: [to('Dead letters to check')] },
		'Dead letters to check': { main: [to('Executions to look up')] },
		'Executions to look up': { main: [to('Get letter execution')] },
		'Get letter execution': { main: [to('Recover dead letters')] },
		'Recover dead letters': { main: [to('Save recovered letters')] },
	},
	pinData: {},
	tags: [],
};

const WORKFLOWS = { 'shopify-to-klaviyo.json': sync, 'shopify-to-klaviyo-recovery.json': recovery };

function render(wf) {
	return JSON.stringify(wf, null, 2) + '\n';
}

module.exports = {
	WORKFLOWS,
	render,
	DEAD_LETTER_TABLE,
	STATE_TABLE,
	SYNC_STATE_TABLE,
	BACKFILL_TABLE,
	DEAD_LETTER_COLUMNS,
	STATE_COLUMNS,
	SYNC_STATE_COLUMNS,
	BACKFILL_COLUMNS,
	CREDS,
};

if (require.main === module) {
	const outDir = path.join(__dirname, '..');
	for (const [file, wf] of Object.entries(WORKFLOWS)) {
		fs.writeFileSync(path.join(outDir, file), render(wf));
		console.log(`wrote workflows/${file}`);
	}
}
