'use strict';
/**
 * The backfill's Code nodes, run as n8n runs them (harness): which run an execution works on (and its
 * lease), and the run's row after a chunk (counts, errors, done).
 */
const { run } = require('./harness');
const { BACKFILL_COLUMNS } = require('../../../workflows/src/tables');

const MIN = 60 * 1000;
const row = (runId, extra = {}) => ({ runId, status: 'running', since: '2025-01-01T00:00:00.000Z', until: '', phase: 'orders', offset: 4096, chunks: 2, startedAt: '2026-01-01T00:00:00.000Z', ...extra });

describe('Backfill run to continue', () => {
	it('from the editor: a new run for the "Backfill range", every column of shopify_backfill, with a lease', () => {
		const before = Date.now();
		const out = run('Backfill run to continue', { input: [row('old')], nodes: { 'Backfill range': [{ since: '2025-01-01', until: '2025-03-01' }] } });
		expect(out).toHaveLength(1);
		const [r] = out;
		expect(Object.keys(r).sort()).toEqual(BACKFILL_COLUMNS.map(([name]) => name).sort());
		expect(r.runId).toMatch(/^backfill-\d{4}-/);
		expect(r.runId).not.toBe('old');
		expect(r).toMatchObject({ status: 'running', phase: 'start', since: '2025-01-01T00:00:00.000Z', until: '2025-03-01T00:00:00.000Z', offset: 0, chunks: 0 });
		expect(r.leaseUntilMs).toBeGreaterThanOrEqual(before + 3 * MIN);
	});

	it('from the editor: an empty "until" means now; a bad date or an inverted range is an error naming the field', () => {
		expect(run('Backfill run to continue', { nodes: { 'Backfill range': [{ since: '2025-01-01', until: '' }] } })[0].until).toBe('');
		expect(() => run('Backfill run to continue', { nodes: { 'Backfill range': [{ since: 'last year', until: '' }] } })).toThrow(/Backfill range: since must be a date.*"last year"/);
		expect(() => run('Backfill run to continue', { nodes: { 'Backfill range': [{ since: '', until: '' }] } })).toThrow(/since must be a date/);
		expect(() => run('Backfill run to continue', { nodes: { 'Backfill range': [{ since: '2025-01-01', until: 'soon' }] } })).toThrow(/until must be a date/);
		expect(() => run('Backfill run to continue', { nodes: { 'Backfill range': [{ since: '2025-03-01', until: '2025-01-01' }] } })).toThrow(/until .* must be after since/);
	});

	it('the next chunk (the workflow called itself with a runId): that running run, where its last chunk ended', () => {
		const out = run('Backfill run to continue', {
			input: [row('r1', { leaseUntilMs: Date.now() + MIN }), row('r2', { offset: 9 })],
			nodes: { 'Replay one letter': [{ runId: 'r2' }], 'Backfill chunk?': [{ runId: 'r2' }] },
		});
		expect(out).toHaveLength(1);
		expect(out[0]).toMatchObject({ runId: 'r2', offset: 9, phase: 'orders', chunks: 2, status: 'running', startedAt: '2026-01-01T00:00:00.000Z' });
		// a run that is not running any more (done, or its row gone) is not continued
		expect(run('Backfill run to continue', { input: [row('r2', { status: 'done' })], nodes: { 'Replay one letter': [{ runId: 'r2' }], 'Backfill chunk?': [{ runId: 'r2' }] } })).toEqual([]);
	});

	it('every 30 s: a requested run or a running one whose lease ran out (oldest first); never one another execution holds', () => {
		const now = Date.now();
		const held = row('held', { leaseUntilMs: now + MIN, startedAt: '2025-06-01T00:00:00.000Z' });
		expect(run('Backfill run to continue', { input: [held] })).toEqual([]);
		const requested = { runId: 'req', status: 'requested', since: '2025-02-01T00:00:00.000Z', startedAt: '2026-02-01T00:00:00.000Z' };
		const expired = row('expired', { leaseUntilMs: now - 1, startedAt: '2026-01-15T00:00:00.000Z' });
		const done = row('done', { status: 'done', startedAt: '2020-01-01T00:00:00.000Z' });
		const out = run('Backfill run to continue', { input: [held, requested, done, expired] });
		expect(out.map((r) => r.runId)).toEqual(['expired']);
		const next = run('Backfill run to continue', { input: [held, requested, done] });
		expect(next[0]).toMatchObject({ runId: 'req', status: 'running', phase: 'start', offset: 0 });
		expect(next[0].leaseUntilMs).toBeGreaterThan(now);
	});

	it('when n8n starts: a running run continues at once, lease or not (its execution died with the old process)', () => {
		const out = run('Backfill run to continue', { input: [row('held', { leaseUntilMs: Date.now() + MIN })], nodes: { 'On n8n start (backfill)': [{}] } });
		expect(out.map((r) => r.runId)).toEqual(['held']);
	});

	it('no run to work on: no item (the branch stops)', () => {
		expect(run('Backfill run to continue', { input: [] })).toEqual([]);
		expect(run('Backfill run to continue', { input: [{}] })).toEqual([]);
	});
});

describe('Backfill progress', () => {
	const state = (extra = {}) => ({ ...row('r1', { eventsSent: 10, profilesSent: 3, consentSent: 1, errors: 0, objectsDone: 1000 }), ...extra });

	it('adds what Klaviyo accepted in every run of the Klaviyo node, and the failures, to the row; keeps it running with a new lease', () => {
		const before = Date.now();
		const out = run('Backfill progress', {
			input: [state({ objectsDone: 2000 })],
			nodes: {
				Klaviyo: {
					runs: [
						{ outputs: [[{ operation: 'bulk.createEvents' }, { operation: 'bulk.createEvents' }, { operation: 'bulk.importProfiles' }], [{ error: 'rejected' }]] },
						{ outputs: [[{ operation: 'event.create' }, { operation: 'profile.upsert' }, { operation: 'subscription.subscribe' }], []] },
					],
				},
				'Shopify to Klaviyo': { outputs: [[], [], [{ error: 'invalid delivery' }]] },
			},
		});
		expect(out).toHaveLength(1);
		const [r] = out;
		expect(Object.keys(r).sort()).toEqual(BACKFILL_COLUMNS.map(([name]) => name).sort());
		expect(r).toMatchObject({ runId: 'r1', status: 'running', chunks: 3, eventsSent: 13, profilesSent: 5, consentSent: 2, errors: 2, lastError: '', objectsDone: 2000, offset: 4096 });
		expect(r.leaseUntilMs).toBeGreaterThanOrEqual(before + 3 * 60 * 1000);
		expect(r.finishedAt).toBe('');
	});

	it('the last chunk (phase done): the run is done, its lease released', () => {
		const [r] = run('Backfill progress', { input: [state({ phase: 'done' })], nodes: { Klaviyo: [{ operation: 'bulk.createEvents' }] } });
		expect(r).toMatchObject({ status: 'done', leaseUntilMs: 0, eventsSent: 11, chunks: 3 });
		expect(Date.parse(r.finishedAt)).toBeGreaterThan(0);
	});

	it('a chunk that could not be read: recorded in lastError and errors, still running, the lease left to run out (tried again then)', () => {
		const [r] = run('Backfill progress', { input: [state({ phase: 'done', chunkError: 'Shopify: 503 Service Unavailable', leaseUntilMs: 12345 })] });
		expect(r).toMatchObject({ status: 'running', errors: 1, leaseUntilMs: 12345, eventsSent: 10, finishedAt: '' });
		expect(r.lastError).toBe('chunk 3: Shopify: 503 Service Unavailable (tried again when the lease ends)');
		expect(r).not.toHaveProperty('chunkError');
	});
});
