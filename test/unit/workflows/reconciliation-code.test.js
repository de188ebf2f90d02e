'use strict';
/**
 * The sync's reconciliation and health Code nodes, run as n8n runs them (harness): which Shopify objects
 * are sent again (only those not applied in their current state), the health figures, the alerts.
 */
const { run } = require('./harness');

const T = Date.parse('2026-05-01T10:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
const SINCE = T - 25 * 60000;
const RECEIVED = iso(T);
const delivery = (topic, key, ms, extra = {}) => ({
	topic,
	shop: 'shop.myshopify.com',
	idempotencyKey: `shop.myshopify.com:reconciliation:${topic}:${key.split(':')[1]}:${ms}`,
	receivedAt: RECEIVED,
	payload: { id: key.split(':')[1] },
	source: 'reconciliation',
	object: { objectKey: key, updatedAtMs: ms, updatedAt: iso(ms) },
	...extra,
});
const stateRow = (key, ms, idempotencyKey = `shop.myshopify.com:live-${key}`, createdAt = iso(ms + 1000)) => ({
	objectKey: key,
	objectUpdatedAtMs: ms,
	objectUpdatedAt: iso(ms),
	idempotencyKey,
	receivedAt: createdAt,
	createdAt,
});
const summary = (extra = {}) => ({ since: iso(SINCE), until: iso(T), objects: 7, checkpoint: iso(T), truncated: false, shopifyCalls: 2, ...extra });

// Shopify's read: live-delivered order 1; order 2 never delivered; order 3 delivered at creation and only
// tag-edited since; order 4 delivered at creation, fulfilled since (orders/updated); customer 5 never
// delivered; its consent unchanged since long before the window; customer 6's consent changed in the window
const deliveries = [
	delivery('orders/create', 'order:1', T - 5 * 60000),
	delivery('orders/create', 'order:2', T - 4 * 60000),
	delivery('orders/create', 'order:3', T - 3 * 60000),
	delivery('orders/create', 'order:4', T - 2 * 60000),
	delivery('orders/updated', 'order:4', T - 2 * 60000),
	delivery('customers/update', 'customer:5', T - 60000),
	delivery('customers_email_marketing_consent/update', 'email-consent:5', T - 86400000),
	delivery('customers_email_marketing_consent/update', 'email-consent:6', T - 60000),
];
const windowRows = [stateRow('order:1', T - 5 * 60000), stateRow('order:1', T - 9 * 60000)];
const earlierRows = [stateRow('order:3', T - 86400000), stateRow('order:4', T - 86400000)];
const reading = { outputs: [deliveries, [summary()]] };

describe('reconciliation: which objects are sent again', () => {
	it('Reconciliation window: no checkpoint yet → first run (the Shopify node reads its Initial Window); else from the checkpoint', () => {
		expect(run('Reconciliation window', { input: [{}] })[0]).toMatchObject({ since: '', firstRun: true });
		const out = run('Reconciliation window', { input: [{ name: 'reconciliation', checkpoint: iso(T) }] })[0];
		expect(out).toMatchObject({ since: iso(T), firstRun: false });
		expect(Date.parse(out.startedAt)).toBeGreaterThan(0);
		// a checkpoint edited into something that is not a time: read the initial window again, do not crash
		expect(run('Reconciliation window', { input: [{ name: 'reconciliation', checkpoint: 'yesterday' }] })[0].since).toBe('');
	});

	it('Not applied yet: objects with a state row at least as new in the window are skipped; unchanged consent too', () => {
		const out = run('Not applied yet', { input: windowRows, nodes: { 'Changed in Shopify': reading } });
		expect(out.map((o) => o.objectKey)).toEqual(['order:2', 'order:3', 'order:4', 'customer:5', 'email-consent:6']);
		// quiet store: nothing to look up
		expect(run('Not applied yet', { input: [{}], nodes: { 'Changed in Shopify': { outputs: [[], [summary({ objects: 0 })]] } } })).toEqual([]);
	});

	it('What reconciliation sends: missed objects with all their deliveries; an order only tag-edited since its applied state is not sent', () => {
		const nodes = {
			'Changed in Shopify': reading,
			'States in the window': windowRows,
			'Newest object states': [stateRow('customer:9', T - 30 * 60000, 'shop:reconciliation:customers/update:9:1', iso(T - 60000)), stateRow('order:1', T - 5 * 60000, 'shop:evt-1', iso(T - 4 * 60000))],
			'Dead letters waiting': [{ letterId: 'a', createdAt: iso(T - 3 * 3600000) }, { letterId: 'b', createdAt: iso(T - 600000) }],
		};
		const [out] = run('What reconciliation sends', { input: earlierRows, nodes });
		expect(out.send).toBe(true);
		expect(out.reconcile.map((d) => `${d.topic} ${d.object.objectKey}`)).toEqual([
			'orders/create order:2',
			'orders/create order:4',
			'orders/updated order:4',
			'customers/update customer:5',
			'customers_email_marketing_consent/update email-consent:6',
		]);
		expect(out.objectsToSend).toEqual(['order:2', 'order:4', 'customer:5', 'email-consent:6']);
		expect(out).toMatchObject({ receivedAt: RECEIVED, objectsRead: 7, checkpoint: iso(T), shopifyCalls: 2, deadLettersWaiting: 2, oldestDeadLetterAt: iso(T - 3 * 3600000) });
		// the newest LIVE state (the reconciliation's own row is not a live delivery)
		expect(out.lastLiveDeliveryAt).toBe(iso(T - 4 * 60000));
	});

	it('What reconciliation sends: a quiet store (everything applied) sends nothing', () => {
		const nodes = {
			'Changed in Shopify': { outputs: [[deliveries[0]], [summary({ objects: 1 })]] },
			'States in the window': windowRows,
			'Newest object states': [{}],
			'Dead letters waiting': [{}],
		};
		const [out] = run('What reconciliation sends', { input: [{}], nodes });
		expect(out).toMatchObject({ send: false, reconcile: [], deadLettersWaiting: 0, oldestDeadLetterAt: '', lastLiveDeliveryAt: '' });
	});
});

describe('reconciliation: health figures and alerts', () => {
	const now = Date.now();
	const base = (runOverrides = {}, { firstRun = false, previous = {}, sent = [], settings = {} } = {}) => ({
		'What reconciliation sends': [
			{ send: sent.length > 0, receivedAt: iso(now), objectsRead: 3, checkpoint: iso(now - 1000), truncated: false, shopifyCalls: 2, lastLiveDeliveryAt: iso(now - 5 * 60000), deadLettersWaiting: 0, oldestDeadLetterAt: '', ordersUpdatedAtMs: [], ...runOverrides },
		],
		'Reconciliation settings': [{ deadLetterAlertMinutes: 60, noDeliveryAlertMinutes: 60, ...settings }],
		'Reconciliation window': [{ since: firstRun ? '' : iso(now - 15 * 60000), firstRun, startedAt: iso(now - 2000) }],
		'Sync state': [previous.name ? previous : {}],
		...(sent.length ? { 'Objects this run sent': sent.map((k) => stateRow(k, now - 60000)) } : {}),
	});

	it('quiet store: the checkpoint advances, health figures saved, no alert', () => {
		const [row] = run('Reconciliation result', { input: [{}], nodes: base() });
		expect(row).toMatchObject({ name: 'reconciliation', checkpoint: iso(now - 1000), lastRunStatus: 'ok', lastRunSent: 0, lastRunObjects: 3, lastRunShopifyCalls: 2, lastLiveDeliveryAt: iso(now - 5 * 60000) });
		expect(JSON.parse(row.alerts)).toEqual([]);
		expect(row.lastRunSeconds).toBeGreaterThanOrEqual(0);
	});

	it('objects the live path missed → missed-by-live-path (counted once per object); not on the first run', () => {
		const nodes = base({}, { sent: ['order:2', 'order:2', 'customer:5'] });
		const [row] = run('Reconciliation result', { input: [{}], nodes });
		expect(row.lastRunSent).toBe(2);
		const alerts = JSON.parse(row.alerts);
		expect(alerts).toHaveLength(1);
		expect(alerts[0]).toMatchObject({ alert: 'missed-by-live-path', count: 2, objects: ['order:2', 'customer:5'] });
		expect(alerts[0].message).toMatch(/sent 2 Shopify object\(s\) to Klaviyo that the live webhooks had not delivered \(order:2, customer:5\)/);
		const [first] = run('Reconciliation result', { input: [{}], nodes: base({}, { firstRun: true, sent: ['order:2'] }) });
		expect(first.lastRunSent).toBe(1);
		expect(JSON.parse(first.alerts)).toEqual([]);
	});

	it('dead letters waiting longer than the threshold → dead-letters-pending; younger ones do not alert', () => {
		const old = run('Reconciliation result', { input: [{}], nodes: base({ deadLettersWaiting: 3, oldestDeadLetterAt: iso(now - 90 * 60000) }) })[0];
		const alerts = JSON.parse(old.alerts);
		expect(alerts.map((a) => a.alert)).toEqual(['dead-letters-pending']);
		expect(alerts[0].message).toMatch(/^3 dead letter\(s\) are waiting in klaviyo_dead_letters, the oldest for 90 min/);
		const young = run('Reconciliation result', { input: [{}], nodes: base({ deadLettersWaiting: 3, oldestDeadLetterAt: iso(now - 30 * 60000) }) })[0];
		expect(JSON.parse(young.alerts)).toEqual([]);
		// threshold 0 switches the alert off
		const off = run('Reconciliation result', { input: [{}], nodes: base({ deadLettersWaiting: 3, oldestDeadLetterAt: iso(now - 90 * 60000) }, { settings: { deadLetterAlertMinutes: 0 } }) })[0];
		expect(JSON.parse(off.alerts)).toEqual([]);
	});

	it('no live delivery for longer than the threshold while Shopify shows newer orders → no-live-deliveries', () => {
		const quietShop = run('Reconciliation result', { input: [{}], nodes: base({ lastLiveDeliveryAt: iso(now - 3 * 3600000), ordersUpdatedAtMs: [now - 4 * 3600000] }) })[0];
		expect(JSON.parse(quietShop.alerts)).toEqual([]); // no order since: a quiet shop, not a broken sync
		const [row] = run('Reconciliation result', { input: [{}], nodes: base({ lastLiveDeliveryAt: iso(now - 3 * 3600000), ordersUpdatedAtMs: [now - 600000, now - 300000] }) });
		const alerts = JSON.parse(row.alerts);
		expect(alerts.map((a) => a.alert)).toEqual(['no-live-deliveries']);
		expect(alerts[0].message).toMatch(/^No live Shopify delivery for 180 min \(last one at .*\), while Shopify shows 2 order\(s\) updated since/);
		// the last live delivery known from an earlier run counts when this run's lookup found none
		const remembered = run('Reconciliation result', {
			input: [{}],
			nodes: base({ lastLiveDeliveryAt: '', ordersUpdatedAtMs: [now - 600000] }, { previous: { name: 'reconciliation', lastLiveDeliveryAt: iso(now - 20 * 60000), firstRunAt: iso(now - 86400000) } }),
		})[0];
		expect(remembered.lastLiveDeliveryAt).toBe(iso(now - 20 * 60000));
		expect(JSON.parse(remembered.alerts)).toEqual([]);
	});

	it('Reconciliation failed: an alert with the reason, and no checkpoint (it stays where it was)', () => {
		const [row] = run('Reconciliation failed', { input: [{ error: { message: 'Shopify answered 401: invalid token' } }] });
		expect(row).toMatchObject({ name: 'reconciliation', lastRunStatus: 'failed', lastRunError: 'Shopify answered 401: invalid token' });
		expect(row).not.toHaveProperty('checkpoint');
		expect(JSON.parse(row.alerts)[0]).toMatchObject({ alert: 'reconciliation-failed' });
		expect(JSON.parse(row.alerts)[0].message).toMatch(/will retry the same window at its next run: Shopify answered 401/);
	});

	it('Sync alerts: one item per alert with a subject for Email/Slack; none when healthy', () => {
		const rows = [{ lastRunAt: iso(now), lastRunStatus: 'ok', lastRunSent: 2, alerts: JSON.stringify([{ alert: 'missed-by-live-path', message: 'm1' }, { alert: 'dead-letters-pending', message: 'm2' }]) }];
		const out = run('Sync alerts', { nodes: { 'Reconciliation result': rows } });
		expect(out.map((a) => [a.alert, a.subject, a.message])).toEqual([
			['missed-by-live-path', 'Shopify → Klaviyo sync: missed-by-live-path', 'm1'],
			['dead-letters-pending', 'Shopify → Klaviyo sync: dead-letters-pending', 'm2'],
		]);
		expect(out[0].health).toMatchObject({ lastRunSent: 2, lastRunStatus: 'ok' });
		expect(run('Sync alerts', { nodes: { 'Reconciliation result': [{ alerts: '[]' }] } })).toEqual([]);
		expect(run('Sync alerts', { nodes: { 'Reconciliation failed': [{ alerts: JSON.stringify([{ alert: 'reconciliation-failed', message: 'x' }]) }] } })).toHaveLength(1);
	});

	it('Rebuild delivery or request: a reconciliation call becomes its deliveries, without a letter (failures become new dead letters)', () => {
		const out = run('Rebuild delivery or request', { input: [{ reconcile: [deliveries[1], deliveries[5]], send: true }] });
		expect(out).toEqual([deliveries[1], deliveries[5]]);
		expect(out[0]).not.toHaveProperty('letter');
	});
});
