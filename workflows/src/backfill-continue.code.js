/* global $, $input, $execution */
// eslint-disable-next-line no-unused-vars
module.exports = function codeNode() {
	// Which backfill run this execution works on (at most one item: the run's row with a fresh lease).
	// - Started from the editor ("Backfill range"): a NEW run for that range.
	// - The next chunk of a run (this workflow called itself, the item carries the runId): that run —
	//   this execution holds its lease.
	// - Every 30 s: a run someone asked for (status `requested`, e.g. `npm run backfill`), or a
	//   `running` run whose lease ran out (its execution died: n8n was killed or restarted) — it
	//   continues where its last saved chunk ended.
	// - When n8n starts: every `running` run's execution died with the old process: continue at once.
	const LEASE_MS = 3 * 60 * 1000;
	const now = Date.now();
	const iso = (ms) => new Date(ms).toISOString();
	const ran = (name) => {
		try {
			return $(name).isExecuted;
		} catch (e) {
			return false;
		}
	};
	const COLUMNS = __BACKFILL_COLUMNS__;
	const rows = $input
		.all()
		.map((i) => i.json)
		.filter((r) => r && r.runId);
	let pick;
	if (ran('Backfill range')) {
		const range = $('Backfill range').first().json;
		const when = (value, field, optional) => {
			const text = value === undefined || value === null ? '' : String(value).trim();
			if (!text && optional) return '';
			const ms = Date.parse(text);
			if (!Number.isFinite(ms)) throw new Error(`Backfill range: ${field} must be a date such as 2025-01-01 or 2025-01-01T00:00:00Z (got "${text}")`);
			return iso(ms);
		};
		const since = when(range.since, 'since', false);
		const until = when(range.until, 'until', true);
		if (until && Date.parse(until) <= Date.parse(since)) throw new Error(`Backfill range: until (${until}) must be after since (${since})`);
		pick = { runId: `backfill-${iso(now)}`, since, until, phase: 'start' };
	} else if (ran('Backfill chunk?')) {
		const runId = $('Replay one letter').first().json.runId;
		pick = rows.find((r) => r.runId === runId && r.status === 'running');
	} else {
		const restarted = ran('On n8n start (backfill)');
		pick = rows
			.filter((r) => r.status === 'requested' || (r.status === 'running' && (restarted || !(Number(r.leaseUntilMs) > now))))
			.sort((a, b) => String(a.startedAt || a.runId).localeCompare(String(b.startedAt || b.runId)))[0];
	}
	if (!pick) return [];
	const row = {};
	for (const [name, type] of COLUMNS) {
		const v = pick[name];
		row[name] = type === 'number' ? Number(v) || 0 : v === undefined || v === null ? '' : String(v);
	}
	if (!row.phase) row.phase = 'start';
	return [{ json: { ...row, status: 'running', startedAt: row.startedAt || iso(now), lastProgressAt: iso(now), leaseUntilMs: now + LEASE_MS } }];
};
