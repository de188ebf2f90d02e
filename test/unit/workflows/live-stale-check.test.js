'use strict';
/**
 * "Older than applied state?" (the sync's live never-go-backwards check), run as n8n runs it: profile
 * and consent requests whose object has a NEWER state row in shopify_object_state are marked stale
 * with the reason; the others pass.
 */
const { run } = require('./harness');

const request = (key, ms, operation = 'profile.upsert') => ({
	operation,
	body: { data: { type: 'profile', attributes: { email: 'a@example.com' } } },
	summary: `Upsert ${key}`,
	topic: 'customers/update',
	idempotencyKey: `k-${key}-${ms}`,
	object: { objectKey: key, updatedAtMs: ms, updatedAt: new Date(ms).toISOString() },
});
const row = (key, ms) => ({ objectKey: key, objectUpdatedAtMs: ms, objectUpdatedAt: new Date(ms).toISOString() });

describe('Older than applied state?', () => {
	const T = Date.parse('2026-05-01T10:00:00Z');

	it('an older customers/update after a newer one is stale (reason names the object and both times); newer and equal states pass', () => {
		const requests = [request('customer:1', T - 3600_000), request('customer:2', T), request('email-consent:3', T + 1, 'subscription.subscribe')];
		// the lookup found newer rows only for customer:1 (two of them: the newest one is named)
		const out = run('Older than applied state?', { input: [row('customer:1', T - 60_000), row('customer:1', T)], nodes: { 'Shopify to Klaviyo': requests } });
		expect(out.map((r) => [r.object.objectKey, r.stale])).toEqual([
			['customer:1', true],
			['customer:2', false],
			['email-consent:3', false],
		]);
		expect(out[0].reason).toBe('not sent: customer:1 was already applied in a newer state (2026-05-01T10:00:00.000Z) than this delivery\'s (2026-05-01T09:00:00.000Z)');
		expect(out[1].reason).toBeUndefined();
	});

	it('no newer rows at all (the lookup\'s single empty item): everything is sent', () => {
		const out = run('Older than applied state?', { input: [{}], nodes: { 'Shopify to Klaviyo': [request('customer:1', T), request('customer:1', T + 5)] } });
		expect(out.every((r) => r.stale === false)).toBe(true);
	});

	it('a row with the SAME time is not newer (a Shopify re-delivery of the state already applied is sent again, idempotently)', () => {
		const out = run('Older than applied state?', { input: [row('customer:1', T)], nodes: { 'Shopify to Klaviyo': [request('customer:1', T)] } });
		expect(out[0].stale).toBe(false);
	});
});
