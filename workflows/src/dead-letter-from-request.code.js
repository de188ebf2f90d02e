/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Items the Klaviyo node sent to its error output: a Klaviyo request that failed permanently
	// (or ran out of retries), with the request body and the error. One dead letter per request,
	// keyed by the delivery's idempotency key + the event's unique_id (or a hash of the body).
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

	return $input.all().map(({ json: item }) => {
		// the Klaviyo node's error output: { error, details: { operation, body, attempts, … } },
		// merged by n8n over the input item it came from
		const d = { ...item, ...(item.details || {}), error: item.error };
		const attributes = (d.body && d.body.data && d.body.data.attributes) || {};
		const key = attributes.unique_id ? `${d.operation}:${attributes.unique_id}` : `${d.operation}:${fnv1a(JSON.stringify(d.body || {}))}`;
		const request = {
			operation: d.operation,
			body: d.body,
			summary: d.summary,
			topic: d.topic,
			idempotencyKey: d.idempotencyKey,
			shop: d.shop,
		};
		return {
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
				lastTriedAt: new Date().toISOString(),
			},
		};
	});
};
