/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Items the Klaviyo node sent to its error output: a Klaviyo request that failed permanently
	// (or ran out of retries), with the request body and the error. Live: one dead letter per request,
	// keyed by the delivery's idempotency key + the event's unique_id (or a hash of the body).
	// Replay (the item carries its letter): ONE row per letter — status "failed" with the errors of
	// all its failed requests; the replay marks the letter "done" only if none failed.
	function fnv1a(text) {
		let h = 0x811c9dc5;
		for (let i = 0; i < text.length; i++) {
			h ^= text.charCodeAt(i);
			h = Math.imul(h, 0x01000193) >>> 0;
		}
		return h.toString(16).padStart(8, '0');
	}

	function describe(e) {
		if (!e) return 'unknown error';
		if (typeof e === 'string') return e;
		return [e.status && `HTTP ${e.status}`, e.message, e.detail && e.detail !== e.message ? e.detail : '', e.pointer ? `at ${e.pointer}` : '']
			.filter(Boolean)
			.join(' — ');
	}

	const now = new Date().toISOString();
	const out = [];
	const replayed = new Map(); // letterId → errors
	for (const { json: item } of $input.all()) {
		// the Klaviyo node's error output: { error, details: { operation, body, attempts, … } },
		// merged by n8n over the input item it came from
		const d = { ...item, ...(item.details || {}), error: item.error };
		if (d.letter && d.letter.letterId) {
			const errors = replayed.get(d.letter.letterId) || [];
			errors.push(`${d.summary || d.operation}: ${describe(d.error)}`);
			replayed.set(d.letter.letterId, errors);
			continue;
		}
		const attributes = (d.body && d.body.data && d.body.data.attributes) || {};
		const key = attributes.unique_id ? `${d.operation}:${attributes.unique_id}` : `${d.operation}:${fnv1a(JSON.stringify(d.body || {}))}`;
		const request = {
			operation: d.operation,
			body: d.body,
			summary: d.summary,
			topic: d.topic,
			idempotencyKey: d.idempotencyKey,
			shop: d.shop,
			...(d.object ? { object: d.object } : {}),
		};
		out.push({
			json: {
				letterId: `request:${d.idempotencyKey || 'manual'}:${key}`,
				status: 'pending',
				kind: 'request',
				topic: d.topic || '',
				idempotencyKey: d.idempotencyKey || '',
				summary: d.summary || d.operation || '',
				payload: '',
				request: JSON.stringify(request),
				error: describe(d.error),
				failedNode: 'Klaviyo',
				executionId: String($execution.id),
				attempts: Number(d.attempts) || 1,
				replays: 0,
				lastTriedAt: now,
			},
		});
	}
	for (const [letterId, errors] of replayed) {
		out.push({ json: { letterId, status: 'failed', error: `${errors.length} request(s) failed: ${errors.join(' | ')}`, lastTriedAt: now } });
	}
	return out;
};
