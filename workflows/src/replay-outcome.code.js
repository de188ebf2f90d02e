/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// One outcome per replayed item, traced back to its dead letter through n8n's item pairing.
	// Error-output items (mapper or Klaviyo) carry `error`; everything else went through.
	const out = [];
	for (let i = 0; i < $input.all().length; i++) {
		const item = $input.all()[i];
		const letter = $('Rebuild delivery or request').itemMatching(i).json.letter;
		const e = item.json.error;
		const failed = e !== undefined && e !== null && e !== '';
		const message = !failed
			? ''
			: typeof e === 'string'
				? e
				: [e.status && `HTTP ${e.status}`, e.message, e.detail && e.detail !== e.message ? e.detail : '', e.pointer ? `at ${e.pointer}` : '']
						.filter(Boolean)
						.join(' — ');
		out.push({
			json: { letterId: letter.letterId, status: failed ? 'failed' : 'done', error: message, replays: letter.replays + 1 },
			pairedItem: { item: i },
		});
	}
	return out;
};
