import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { ShopifyToKlaviyo } from '../../../nodes/ShopifyToKlaviyo/ShopifyToKlaviyo.node';
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

	it('describes two outputs, Requests and Skipped', () => {
		expect(node.description.name).toBe('shopifyToKlaviyo');
		expect(node.description.outputNames).toEqual(['Requests', 'Skipped']);
		expect(node.description.outputs).toHaveLength(2);
		expect(node.description.usableAsTool).toBe(true);
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
		expectValid([request]);
	});

	it('bad input: NodeOperationError naming the field, with the item index', async () => {
		const bad = { ...fixture('order-blueprint.json'), line_items: [{ id: 1, price: 'free', quantity: 1 }] };
		const ctx = fakeContext(items(delivery('orders/create', fixture('order-blueprint.json')), delivery('orders/create', bad)), {});
		await expect(node.execute.call(ctx)).rejects.toThrow(NodeOperationError);
		await expect(node.execute.call(ctx)).rejects.toThrow('orders/create payload: line_items[0].price is not a decimal string');
		await node.execute.call(ctx).catch((error: NodeOperationError) => {
			expect(error.context.itemIndex).toBe(1);
		});
	});

	it('bad input with Continue On Fail: goes to Skipped with the reason', async () => {
		const bad = { ...fixture('order-blueprint.json'), line_items: [{ id: 1, price: 'free', quantity: 1 }] };
		const ctx = fakeContext(items(delivery('orders/create', bad), delivery('orders/create', fixture('order-blueprint.json'))), {}, true);
		const [requests, skipped] = await node.execute.call(ctx);
		expect(requests).toHaveLength(3);
		expect(requests.every((r) => (r.pairedItem as { item: number }).item === 1)).toBe(true);
		expect(skipped).toHaveLength(1);
		expect(skipped[0].json).toMatchObject({
			skipped: true,
			reason: 'orders/create payload: line_items[0].price is not a decimal string',
			topic: 'orders/create',
			idempotencyKey: 'my-store.myshopify.com:orders/create:ev-1',
			shop: 'my-store.myshopify.com',
		});
		expect(skipped[0].pairedItem).toEqual({ item: 0 });
	});
});
