/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// The mapper's Invalid output: Shopify sent a field we cannot map. Not a crash: the whole delivery
	// becomes a dead letter keyed by its idempotency key (Shopify's re-delivery updates the same row).
	// Fix the field in the row's payload, then replay. A replayed letter that is still invalid: its own
	// row becomes "failed" with the error.
	const now = new Date().toISOString();
	return $input.all().map(({ json: item }, i) => {
		if (item.letter && item.letter.letterId) {
			return { json: { letterId: item.letter.letterId, status: 'failed', error: item.reason || 'invalid delivery', lastTriedAt: now } };
		}
		const d = item.delivery || {};
		// no idempotency key (not from our trigger, e.g. pinned test data): one row per item of this run
		const key = item.idempotencyKey || `execution-${$execution.id}-item-${i}`;
		return {
			json: {
				letterId: `delivery:${key}`,
				status: 'pending',
				kind: 'delivery',
				topic: item.topic || '',
				idempotencyKey: item.idempotencyKey || '',
				summary: `${item.topic} delivery from ${d.shop || item.shop || 'Shopify'}: ${item.field || 'a field'} cannot be mapped`,
				payload: JSON.stringify(d),
				request: '',
				error: item.reason || 'invalid delivery',
				failedNode: 'Shopify to Klaviyo',
				executionId: String($execution.id),
				attempts: 1,
				replays: 0,
				lastTriedAt: now,
			},
		};
	});
};
