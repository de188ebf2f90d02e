/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Crash recovery for the Shopify → Klaviyo sync, with n8n's API (this workflow's n8n API credential):
	//
	// 1. Crashed executions: the sync's own Error Trigger recorded "execution:<id>" letters without the
	//    delivery (n8n does not hand it over). Fetch the execution and fill the delivery in, so the
	//    letter can be replayed.
	// 2. Lost workers (queue mode): n8n fails the executions a dead worker held only after it notices the
	//    stalled job (~1–2 min) and then REPLACES their data, delivery included. So while a sync
	//    execution is still "running" (or "new": taken by the worker, never started — found by
	//    recovery-unlisted) CAPTURE_AFTER_SECONDS after its delivery arrived, its delivery is captured in
	//    a letter with status "watching": not replayed, just kept. A later pass settles it: the execution
	//    finished successfully (or is gone: successful executions may not be stored) → "done"; it failed,
	//    or is still running after the Klaviyo node's whole retry budget (RETRY_BUDGET_SECONDS) → "pending",
	//    ready to replay. A slow but healthy execution is never replayed.
	const TRIGGER_TYPE = 'n8n-nodes-shopify-klaviyo.shopifyWebhookTrigger';
	const CAPTURE_AFTER_SECONDS = 30;
	// default Klaviyo node options: 6 attempts × 30 s timeout + 5 waits of at most 60 s = 8 min, + margin
	let RETRY_BUDGET_SECONDS = 600;
	try {
		// tests (and impatient operators) may shorten it; n8n blocks $env by default, then the default holds
		const fromEnv = Number($env.SHOPIFY_KLAVIYO_RETRY_BUDGET_SECONDS);
		if (fromEnv > 0) RETRY_BUDGET_SECONDS = fromEnv;
	} catch (e) {
		// $env not available
	}
	const now = Date.now();
	const nowIso = new Date(now).toISOString();
	const all = (name) => {
		try {
			return $(name)
				.all()
				.map((i) => i.json)
				.filter((j) => j && j.id);
		} catch (e) {
			return [];
		}
	};
	const syncIds = new Set(all('Sync workflows').filter((w) => (w.nodes || []).some((n) => n.type === TRIGGER_TYPE)).map((w) => String(w.id)));

	function deliveriesOf(execution) {
		const data = execution.data || {};
		const nodes = (execution.workflowData && execution.workflowData.nodes) || [];
		const triggerNames = new Set(nodes.filter((n) => n.type === TRIGGER_TYPE).map((n) => n.name));
		const out = [];
		const runData = (data.resultData && data.resultData.runData) || {};
		for (const name of triggerNames) {
			for (const run of runData[name] || []) for (const item of (run.data && run.data.main && run.data.main[0]) || []) out.push(item.json);
		}
		if (out.length === 0) {
			// still waiting in the node stack: the trigger's output before the next node ran
			const stack = (data.executionData && data.executionData.nodeExecutionStack) || [];
			for (const entry of stack) {
				if (!entry.node || entry.node.type !== TRIGGER_TYPE) continue;
				for (const item of (entry.data && entry.data.main && entry.data.main[0]) || []) out.push(item.json);
			}
		}
		return out.filter((d) => d && d.idempotencyKey);
	}

	const rows = new Map();
	for (const { json: row } of $('Dead letters to check').all()) if (row && row.letterId) rows.set(row.letterId, row);
	const executions = new Map();
	for (const e of [...all('Running executions'), ...all('Get unlisted execution'), ...all('Get letter execution')]) executions.set(String(e.id), e);

	// "Get letter execution" runs once per looked-up id (an error item in its place when the lookup failed)
	const lookupErrors = new Map();
	try {
		const asked = $('Executions to look up').all();
		const got = $('Get letter execution').all();
		asked.forEach(({ json: a }, i) => {
			const g = got[i] && got[i].json;
			if (a && a.id && g && !g.id && g.error) lookupErrors.set(String(a.id), typeof g.error === 'string' ? g.error : g.error.message || JSON.stringify(g.error));
		});
	} catch (e) {
		// nothing looked up this pass
	}

	const out = [];
	const letter = (executionId, d, status, error) => ({
		letterId: `execution:${executionId}`,
		status,
		kind: 'execution',
		topic: d.topic || '',
		idempotencyKey: d.idempotencyKey,
		summary: `${d.topic} delivery from ${d.shop}`,
		payload: JSON.stringify(d),
		request: '',
		error,
		failedNode: '',
		executionId: String(executionId),
		attempts: 1,
		replays: 0,
		lastTriedAt: nowIso,
	});

	// 1 + settling "watching" letters
	for (const row of rows.values()) {
		const execution = executions.get(String(row.executionId));
		if (row.kind === 'execution' && !row.payload && row.status === 'pending') {
			if (!execution) {
				// looked up and n8n answered "not found" (pruned, or never saved): say so once and stop
				// looking (status failed: recovery only looks at pending rows). Other lookup errors (n8n busy)
				// are tried again on the next pass.
				const lookupError = lookupErrors.get(String(row.executionId));
				if (lookupError && /not found|404|could not be found/i.test(lookupError)) {
					out.push({ json: { letterId: row.letterId, status: 'failed', error: `${row.error} — n8n no longer has execution ${row.executionId}, so its delivery cannot be recovered (Shopify re-sends deliveries it saw fail)` } });
				}
				continue;
			}
			const d = deliveriesOf(execution)[0];
			if (d) out.push({ json: { letterId: row.letterId, topic: d.topic || '', idempotencyKey: d.idempotencyKey, summary: `${d.topic} delivery from ${d.shop}`, payload: JSON.stringify(d) } });
			else out.push({ json: { letterId: row.letterId, status: 'done', error: `${row.error} — no Shopify delivery in this execution: nothing to replay` } });
			continue;
		}
		if (row.status !== 'watching') continue;
		if (!execution) {
			out.push({ json: { letterId: row.letterId, status: 'done', error: `execution ${row.executionId} finished and was not kept (successful executions are not stored): nothing to replay` } });
		} else if (execution.status === 'success') {
			out.push({ json: { letterId: row.letterId, status: 'done', error: `execution ${row.executionId} finished successfully after all` } });
		} else if (execution.status === 'running' || execution.status === 'new' || execution.status === 'waiting') {
			const since = Date.parse(execution.startedAt || '') || Date.parse(row.lastTriedAt || '');
			if (since && now - since > RETRY_BUDGET_SECONDS * 1000) {
				out.push({ json: { letterId: row.letterId, status: 'pending', error: `execution ${row.executionId} still ${execution.status} after ${Math.round((now - since) / 1000)} s, longer than the Klaviyo retry budget (${RETRY_BUDGET_SECONDS} s): worker lost?` } });
			}
		} else {
			out.push({ json: { letterId: row.letterId, status: 'pending', error: `execution ${row.executionId} ended "${execution.status}"${execution.status === 'crashed' || execution.status === 'error' ? ' (worker lost?)' : ''}` } });
		}
	}

	// 2: capture deliveries of sync executions still running / new
	for (const execution of executions.values()) {
		if (execution.status !== 'running' && execution.status !== 'new') continue;
		if (syncIds.size && !syncIds.has(String(execution.workflowId))) continue;
		if (rows.has(`execution:${execution.id}`)) continue;
		for (const d of deliveriesOf(execution).slice(0, 1)) {
			const since = Date.parse(execution.startedAt || '') || Date.parse(d.receivedAt || '');
			if (!since || now - since < CAPTURE_AFTER_SECONDS * 1000) continue;
			const seconds = Math.round((now - since) / 1000);
			out.push({ json: letter(execution.id, d, 'watching', `execution ${execution.id} still ${execution.status} after ${seconds} s: delivery kept in case its worker is lost (replayed only if it does not finish)`) });
		}
	}
	return out;
};
