'use strict';
/** The optional crash-recovery workflow (built by workflows/src/build.js). */
const { CREDS, table, sticky, node, codeNode, conditions, upsertLetters, to, settings } = require('./nodes');
const { DEAD_LETTER_TABLE } = require('./tables');

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

module.exports = recovery;
