/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// After one chunk of a backfill went through the mapper and the Klaviyo node (n8n runs this branch
	// after theirs: it sits lower on the canvas): the run's new row. Its state (phase, byte offset,
	// objects done) is what "Read backfill chunk" reached; it is saved only now, after the chunk's
	// requests were sent, so a crash repeats at most this chunk (the events keep their unique_ids:
	// Klaviyo keeps one). Counts: events / profiles / consent requests Klaviyo accepted, and errors
	// (requests that became dead letters, deliveries the mapper found invalid).
	const LEASE_MS = 3 * 60 * 1000;
	const COLUMNS = __BACKFILL_COLUMNS__;
	const now = new Date().toISOString();
	const runsOf = (name, output) => {
		const out = [];
		let executed = false;
		try {
			executed = $(name).isExecuted;
		} catch (e) {
			executed = false;
		}
		if (!executed) return out;
		for (let run = 0; run < 100; run++) {
			let items;
			try {
				items = $(name).all(output, run);
			} catch (e) {
				break; // no such run
			}
			out.push(...items.map((i) => i.json));
		}
		return out;
	};
	let events = 0;
	let profiles = 0;
	let consent = 0;
	for (const r of runsOf('Klaviyo', 0)) {
		if (r.operation === 'bulk.createEvents' || r.operation === 'event.create') events++;
		else if (r.operation === 'bulk.importProfiles' || r.operation === 'profile.upsert') profiles++;
		else if (String(r.operation).startsWith('subscription.')) consent++;
	}
	const failed = runsOf('Klaviyo', 1).length + runsOf('Shopify to Klaviyo', 2).length;
	const state = $input.first().json;
	const chunkError = typeof state.chunkError === 'string' ? state.chunkError : '';
	const row = {};
	for (const [name, type] of COLUMNS) {
		const v = state[name];
		row[name] = type === 'number' ? Number(v) || 0 : v === undefined || v === null ? '' : String(v);
	}
	row.chunks += 1;
	row.eventsSent += events;
	row.profilesSent += profiles;
	row.consentSent += consent;
	row.errors += failed + (chunkError ? 1 : 0);
	row.lastError = chunkError ? `chunk ${row.chunks}: ${chunkError} (tried again when the lease ends)` : '';
	row.lastProgressAt = now;
	if (!chunkError && row.phase === 'done') {
		row.status = 'done';
		row.finishedAt = now;
		row.leaseUntilMs = 0;
	} else {
		row.status = 'running';
		if (!chunkError) row.leaseUntilMs = Date.now() + LEASE_MS;
	}
	return [{ json: row }];
};
