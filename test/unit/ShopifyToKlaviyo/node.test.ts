import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { ShopifyToKlaviyo } from '../../../nodes/ShopifyToKlaviyo/ShopifyToKlaviyo.node';
import { DEFAULT_OPTIONS } from '../../../nodes/ShopifyToKlaviyo/mapping';
import type { KlaviyoRequestItem } from '../../../nodes/shared/contract';
import { attrs, delivery, expectValid, fixture } from './helpers';

type Param = unknown | ((item: INodeExecutionData) => unknown);

/**
 * A minimal IExecuteFunctions: parameters may be functions of the item, which is how n8n
 * evaluates an expression such as {{ $json.payload.source_name }} once per item.
 */
function fakeContext(items: INodeExecutionData[], params: Record<string, Param>, continueOnFail = false): IExecuteFunctions {
	const node: INode = { id: '1', name: 'Shopify to Klaviyo', type: 'shopifyToKlaviyo', typeVersion: 1, position: [0, 0], parameters: {} };
	const context = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => continueOnFail,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = name in params ? params[name] : fallback;
			return typeof value === 'function' ? (value as (item: INodeExecutionData) => unknown)(items[itemIndex]) : value;
		},
	};
	return context as unknown as IExecuteFunctions;
}

const items = (...jsons: object[]): INodeExecutionData[] => jsons.map((json) => ({ json: json as IDataObject }));

describe('ShopifyToKlaviyo node', () => {
	const node = new ShopifyToKlaviyo();

	it('describes five outputs: Requests, Skipped, Invalid, Object State and Requests to Check', () => {
		expect(node.description.name).toBe('shopifyToKlaviyo');
		expect(node.description.outputNames).toEqual(['Requests', 'Skipped', 'Invalid', 'Object State', 'Requests to Check']);
		expect(node.description.outputs).toHaveLength(5);
		expect(node.description.usableAsTool).toBe(true);
	});

	it('Check Object State Before Sending: profile and consent requests leave on Requests to Check, events stay on Requests', async () => {
		const customer = { ...fixture('customer-blueprint.json'), updated_at: '2026-05-01T10:00:00Z' };
		const consent = fixture('consent-email-subscribed.json');
		const input = items(delivery('customers/update', customer), delivery('customers_email_marketing_consent/update', consent), delivery('orders/create', { ...fixture('order-blueprint.json'), updated_at: '2026-05-01T10:00:00Z' }));
		const [requests, , , states, toCheck] = await node.execute.call(fakeContext(input, { checkObjectState: true }));
		expect(toCheck.map((i) => [(i.json as IDataObject).operation, ((i.json as IDataObject).object as IDataObject).objectKey])).toEqual([
			['profile.upsert', 'customer:123456789'],
			['subscription.subscribe', `email-consent:${String((consent as IDataObject).customer_id)}`],
		]);
		expect(requests.every((i) => (i.json as IDataObject).operation === 'event.create')).toBe(true);
		expect(states).toHaveLength(3);
		// off (the default): everything on Requests, nothing to check
		const [all, , , , none] = await node.execute.call(fakeContext(input, {}));
		expect(none).toHaveLength(0);
		expect(all.map((i) => (i.json as IDataObject).operation)).toContain('profile.upsert');
	});

	it('no-code customisation: an extra event property from an expression, a renamed metric, and the Skipped output', async () => {
		const order = { ...fixture('order-blueprint.json'), source_name: 'instagram' };
		const input = items(delivery('orders/create', order), delivery('customers/delete', { id: 1 }), delivery('orders/updated', fixture('order-blueprint.json')));
		const ctx = fakeContext(input, {
			lineItemEvents: false,
			metricNames: { placedOrder: 'Shopify Order' },
			// What a user types: Name "Sales Channel", Value {{ $json.payload.source_name }}
			'extraEventProperties.property': (item: INodeExecutionData) => [
				{ name: 'Sales Channel', value: ((item.json.payload as IDataObject).source_name as string) ?? '' },
			],
		});
		const [requests, skipped] = await node.execute.call(ctx);

		expect(requests).toHaveLength(1);
		const request = requests[0].json as unknown as KlaviyoRequestItem;
		expect(request.operation).toBe('event.create');
		expect(attrs(request).metric.data.attributes.name).toBe('Shopify Order');
		expect(attrs(request).properties['Sales Channel']).toBe('instagram');
		expect(requests[0].pairedItem).toEqual({ item: 0 });
		expectValid([request]);

		expect(skipped.map((s) => s.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(skipped[0].json).toMatchObject({ skipped: true, topic: 'customers/delete' });
		expect(skipped[1].json).toMatchObject({ skipped: true, reason: 'no status change to report', topic: 'orders/updated' });
	});

	it('an expression that evaluates to nothing adds no property', async () => {
		const ctx = fakeContext(items(delivery('orders/create', fixture('order-blueprint.json'))), {
			lineItemEvents: false,
			'extraEventProperties.property': [{ name: 'Sales Channel', value: '' }, { name: '', value: 'x' }],
		});
		const [requests] = await node.execute.call(ctx);
		expect(Object.keys(attrs(requests[0].json as unknown as KlaviyoRequestItem).properties)).not.toContain('Sales Channel');
	});

	it('Bulk Ordered Product Events Above: the parameter reaches the mapping (default 50)', async () => {
		const input = items(delivery('orders/create', fixture('order-blueprint.json')));
		const lines = (fixture('order-blueprint.json').line_items as unknown[]).length;
		const [byDefault] = await node.execute.call(fakeContext(input, {}));
		expect(byDefault.map((r) => (r.json as unknown as KlaviyoRequestItem).operation)).toEqual(new Array(lines + 1).fill('event.create'));
		const [bulk] = await node.execute.call(fakeContext(input, { bulkOrderedProductAbove: lines - 1 }));
		expect(bulk.map((r) => (r.json as unknown as KlaviyoRequestItem).operation)).toEqual(['event.create', 'bulk.createEvents']);
		expect(bulk[1].pairedItem).toEqual({ item: 0 });
		expectValid(bulk.map((r) => r.json as unknown as KlaviyoRequestItem));
		const param = node.description.properties.find((p) => p.name === 'bulkOrderedProductAbove');
		expect(param).toMatchObject({ type: 'number', default: 50 });
	});

	it('accepts a bare Shopify payload with the Topic parameter', async () => {
		const ctx = fakeContext(items(fixture('customer-blueprint.json')), { topic: 'customers/update' });
		const [requests] = await node.execute.call(ctx);
		const request = requests[0].json as unknown as KlaviyoRequestItem;
		expect(request.operation).toBe('profile.upsert');
		expect(request.topic).toBe('customers/update');
		expect(request.idempotencyKey).toBe('manual:customers/update:123456789');
		expectValid([request], { klaviyoRejects: ['phone_number'] });
	});

	it('bad input: the whole delivery leaves on Invalid with the field named; the execution does not fail and the other items are mapped', async () => {
		const bad = { ...fixture('order-blueprint.json'), line_items: [{ id: 1, price: 'free', quantity: 1 }] };
		const badDelivery = delivery('orders/create', bad);
		const good = { ...fixture('order-blueprint.json'), updated_at: '2023-01-02T10:00:00-05:00' };
		const ctx = fakeContext(items(delivery('orders/create', good), badDelivery), {});
		const [requests, skipped, invalid, states] = await node.execute.call(ctx);
		expect(requests.length).toBeGreaterThan(0);
		expect(requests.every((r) => (r.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(skipped).toHaveLength(0);
		expect(invalid).toHaveLength(1);
		expect(invalid[0].pairedItem).toEqual({ item: 1 });
		expect(invalid[0].json).toEqual({
			invalid: true,
			reason: 'orders/create payload: line_items[0].price is not a decimal string',
			field: 'line_items[0].price',
			topic: 'orders/create',
			idempotencyKey: badDelivery.idempotencyKey,
			shop: badDelivery.shop,
			delivery: badDelivery,
		});
		// no top-level `error`: n8n 2.41 would replace the whole item by the message
		expect(invalid[0].json).not.toHaveProperty('error');
		// only the mapped delivery records its object state
		expect(states.map((s) => s.pairedItem)).toEqual([{ item: 0 }]);
	});

	it('Object State: one item per mapped delivery with its object key and time (epoch ms and UTC), none for skipped deliveries', async () => {
		// the blueprint order has no updated_at: derive one (an order without it has no comparable state)
		const order: Record<string, unknown> = { ...fixture('order-blueprint.json'), updated_at: '2023-01-02T10:00:00-05:00' };
		const d = { ...delivery('orders/create', order), receivedAt: '2026-12-06T10:00:00.000Z' };
		const ctx = fakeContext(items(d, delivery('customers/delete', { id: 1 })), {});
		const [requests, , , states] = await node.execute.call(ctx);
		const ms = Date.parse(order.updated_at as string);
		expect(states).toHaveLength(1);
		expect(states[0].json).toEqual({
			objectKey: `order:${order.id}`,
			objectUpdatedAtMs: ms,
			objectUpdatedAt: new Date(ms).toISOString(),
			topic: 'orders/create',
			idempotencyKey: d.idempotencyKey,
			receivedAt: '2026-12-06T10:00:00.000Z',
		});
		// every request of the delivery carries the same object (for the stale check of a replayed request)
		for (const r of requests) expect(r.json.object).toEqual({ objectKey: `order:${order.id}`, updatedAtMs: ms, updatedAt: new Date(ms).toISOString() });
	});

	it('a replayed dead letter keeps its letter on every output item', async () => {
		const letter = { letterId: 'delivery:k1', kind: 'delivery', replays: 2 };
		const bad = { ...fixture('order-blueprint.json'), line_items: [{ id: 1, price: 'free', quantity: 1 }] };
		const ctx = fakeContext(
			items({ ...delivery('orders/create', fixture('order-blueprint.json')), letter }, { ...delivery('orders/create', bad), letter }, { ...delivery('customers/delete', { id: 1 }), letter }),
			{},
		);
		const [requests, skipped, invalid] = await node.execute.call(ctx);
		for (const item of [...requests, ...skipped, ...invalid]) expect(item.json.letter).toEqual(letter);
		// the delivery kept for the dead letter does not nest the letter again
		expect((invalid[0].json.delivery as IDataObject).letter).toBeUndefined();
	});

	it('an unexpected (non-mapping) failure still fails the node with the item index', async () => {
		const ctx = fakeContext(items(delivery('orders/create', fixture('order-blueprint.json'))), {
			metricNames: () => {
				throw new Error('parameter exploded');
			},
		});
		await expect(node.execute.call(ctx)).rejects.toThrow(NodeOperationError);
	});
});

describe('ShopifyToKlaviyo node: consent defaults', () => {
	const node = new ShopifyToKlaviyo();

	it('"Unsubscribe Not Subscribed" is off by default, in the node and in the mapping options', () => {
		const parameter = node.description.properties.find((p) => p.name === 'unsubscribeNotSubscribed');
		expect(parameter?.default).toBe(false);
		expect(DEFAULT_OPTIONS.unsubscribeNotSubscribed).toBe(false);
	});

	it('a Shopify not_subscribed consent with the parameter left unset goes to Skipped, not to Klaviyo', async () => {
		const consent = { ...fixture('consent-email-subscribed.json'), email_marketing_consent: { state: 'not_subscribed' } };
		const [requests, skipped] = await node.execute.call(fakeContext(items(delivery('customers_email_marketing_consent/update', consent)), {}));
		expect(requests).toEqual([]);
		expect(skipped).toHaveLength(1);
		expect((skipped[0].json as IDataObject).reason).toMatch(/not_subscribed/);
	});
});
