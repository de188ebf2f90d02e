import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { InvalidDeliveryItem, ObjectStateItem, ShopifyDeliveryItem, SkippedItem } from '../shared/contract';
import { idempotencyKey } from '../shared/idempotency';
import { objectState } from '../shared/objectState';
import { DEFAULT_METRIC_NAMES, mapDelivery, MappingError, SUPPORTED_TOPICS } from './mapping';
import type { DeliveryInput } from './mapping';
import type { MappingOptionsInput, MetricNames } from './mapping/options';
import { BULK_ORDERED_PRODUCT_THRESHOLD } from './mapping/options';

/** Requests that overwrite state (a profile's attributes, a consent): an older delivery must not send them. */
const STATEFUL_OPERATIONS = new Set(['profile.upsert', 'subscription.subscribe', 'subscription.unsubscribe']);

interface NameValue {
	name?: string;
	value?: unknown;
}

/** fixedCollection rows → { name: value }; rows without a name or whose value is empty are left out. */
function nameValueMap(rows: unknown): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	if (!Array.isArray(rows)) return out;
	for (const row of rows as NameValue[]) {
		const name = typeof row?.name === 'string' ? row.name.trim() : '';
		if (name !== '' && row.value !== undefined && row.value !== null && row.value !== '') out[name] = row.value;
	}
	return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A delivery from the Shopify Webhook Trigger ({ topic, payload, … }), or a bare Shopify
 * payload when the Topic parameter is set (e.g. data from the Shopify node or an HTTP request).
 */
function toDelivery(json: IDataObject, topicOverride: string, itemIndex: number): DeliveryInput {
	const isDelivery = typeof json.topic === 'string' && isRecord(json.payload);
	const delivery = (isDelivery ? json : {}) as Partial<ShopifyDeliveryItem>;
	const topic = topicOverride || delivery.topic || '';
	const payload = (isDelivery ? json.payload : json) as Record<string, unknown>;
	const payloadId = isRecord(payload) && (typeof payload.id === 'string' || typeof payload.id === 'number') ? String(payload.id) : `item-${itemIndex}`;
	return {
		...delivery,
		topic,
		payload,
		idempotencyKey: delivery.idempotencyKey ?? idempotencyKey({ shop: delivery.shop, topic, fallbackId: payloadId }),
	};
}

const metricNameFields = (Object.keys(DEFAULT_METRIC_NAMES) as Array<keyof MetricNames>).map((key) => ({
	displayName: `${DEFAULT_METRIC_NAMES[key]} Metric`,
	name: key,
	type: 'string' as const,
	default: DEFAULT_METRIC_NAMES[key],
	description: `Klaviyo metric name used for "${DEFAULT_METRIC_NAMES[key]}" events`,
}));

const nameValueCollection = (displayName: string, name: string, description: string, placeholderName: string, placeholderValue: string) => ({
	displayName,
	name,
	type: 'fixedCollection' as const,
	typeOptions: { multipleValues: true },
	placeholder: 'Add Property',
	default: {},
	description,
	options: [
		{
			displayName: 'Property',
			name: 'property',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string' as const, default: '', placeholder: placeholderName },
				{
					displayName: 'Value',
					name: 'value',
					type: 'string' as const,
					default: '',
					placeholder: placeholderValue,
					description: 'Evaluated for each item; use an expression to read the Shopify payload',
				},
			],
		},
	],
});

export class ShopifyToKlaviyo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shopify to Klaviyo',
		name: 'shopifyToKlaviyo',
		icon: { light: 'file:../../icons/klaviyo.svg', dark: 'file:../../icons/klaviyo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Map Shopify webhooks to Klaviyo requests',
		description:
			'Turn Shopify webhook deliveries into ready-to-send Klaviyo events, profiles, subscriptions and deletions. Outputs: Requests (to the Klaviyo node), Skipped (nothing to send, with the reason), Invalid (a field Shopify sent cannot be mapped: the whole delivery and the field, for the dead-letter queue) and Object State (which Shopify object and how new, for the never-go-backwards record).',
		defaults: { name: 'Shopify to Klaviyo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Requests', 'Skipped', 'Invalid', 'Object State', 'Requests to Check'],
		properties: [
			{
				displayName: 'Topic',
				name: 'topic',
				type: 'string',
				default: '',
				placeholder: 'orders/create',
				description: `Leave empty to use the topic of each Shopify Webhook Trigger item. Set it when items are bare Shopify payloads. Supported: ${SUPPORTED_TOPICS.join(', ')}.`,
			},
			{
				displayName: 'Check Object State Before Sending',
				name: 'checkObjectState',
				type: 'boolean',
				default: false,
				description:
					'Whether profile updates and consent changes (the requests a delivery of an OLDER object state would undo) leave on the "Requests to Check" output instead of "Requests", so the workflow can drop them when a newer state of the same customer or consent was already applied. Events are idempotent and always leave on "Requests".',
			},
			{
				displayName: 'Send Ordered Product Events',
				name: 'lineItemEvents',
				type: 'boolean',
				default: true,
				description: 'Whether to send one "Ordered Product" event per line item next to "Placed Order"',
			},
			{
				displayName: 'Bulk Ordered Product Events Above',
				name: 'bulkOrderedProductAbove',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: BULK_ORDERED_PRODUCT_THRESHOLD,
				description:
					'Orders with more line items than this send their Ordered Product events as Klaviyo bulk jobs (up to 1000 events per request) instead of one request per line; the events are the same',
				displayOptions: { show: { lineItemEvents: [true] } },
			},
			{
				displayName: 'Include Location',
				name: 'includeLocation',
				type: 'boolean',
				default: true,
				description: "Whether to copy the customer's address to the Klaviyo profile",
			},
			{
				displayName: 'Skip Test Orders',
				name: 'skipTestOrders',
				type: 'boolean',
				default: false,
				description: 'Whether to send test orders (test: true) to the Skipped output instead of Klaviyo',
			},
			{
				displayName: 'Unsubscribe Not Subscribed',
				name: 'unsubscribeNotSubscribed',
				type: 'boolean',
				default: false,
				description:
					'Whether a Shopify consent of "not_subscribed" (never subscribed in Shopify) unsubscribes the profile in Klaviyo. Leave off if people also subscribe through Klaviyo forms: Shopify does not know about those subscriptions.',
			},
			{
				displayName: 'Email List ID',
				name: 'emailListId',
				type: 'string',
				default: '',
				description: 'Klaviyo list that email marketing consent is added to. Leave empty to record consent on the profile only.',
			},
			{
				displayName: 'SMS List ID',
				name: 'smsListId',
				type: 'string',
				default: '',
				description: 'Klaviyo list that SMS marketing consent is added to. Leave empty to record consent on the profile only.',
			},
			{
				displayName: 'Metric Names',
				name: 'metricNames',
				type: 'collection',
				placeholder: 'Rename Metric',
				default: {},
				description: 'Rename the Klaviyo metrics, e.g. to keep flows built on another integration working',
				options: metricNameFields,
			},
			nameValueCollection(
				'Extra Event Properties',
				'extraEventProperties',
				'Properties added to every event (they override ours of the same name)',
				'Sales Channel',
				'={{ $json.payload.source_name }}',
			),
			nameValueCollection(
				'Extra Profile Properties',
				'extraProfileProperties',
				'Properties added to the profile of every request',
				'Shopify Store',
				'={{ $json.shop }}',
			),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const requests: INodeExecutionData[] = [];
		const skipped: INodeExecutionData[] = [];
		const invalid: INodeExecutionData[] = [];
		const states: INodeExecutionData[] = [];
		const toCheck: INodeExecutionData[] = [];

		for (let i = 0; i < items.length; i++) {
			const topicOverride = String(this.getNodeParameter('topic', i, '') ?? '').trim();
			const json = items[i].json;
			const delivery = toDelivery(json, topicOverride, i);
			// a replayed dead letter carries its letter: every output item keeps it, so the outcome is
			// written to that letter
			// a backfill's delivery carries `backfill` (its run): its requests keep it, so the Klaviyo node
			// sends them in bulk jobs with backfill: true
			const letter = {
				...(isRecord(json.letter) ? { letter: json.letter } : {}),
				...(isRecord(json.backfill) ? { backfill: json.backfill } : {}),
			};
			try {
				const options: MappingOptionsInput = {
					lineItemEvents: this.getNodeParameter('lineItemEvents', i, true) as boolean,
					bulkOrderedProductAbove: this.getNodeParameter('bulkOrderedProductAbove', i, BULK_ORDERED_PRODUCT_THRESHOLD) as number,
					includeLocation: this.getNodeParameter('includeLocation', i, true) as boolean,
					skipTestOrders: this.getNodeParameter('skipTestOrders', i, false) as boolean,
					unsubscribeNotSubscribed: this.getNodeParameter('unsubscribeNotSubscribed', i, false) as boolean,
					emailListId: this.getNodeParameter('emailListId', i, '') as string,
					smsListId: this.getNodeParameter('smsListId', i, '') as string,
					metricNames: this.getNodeParameter('metricNames', i, {}) as Partial<MetricNames>,
					extraEventProperties: nameValueMap(this.getNodeParameter('extraEventProperties.property', i, [])),
					extraProfileProperties: nameValueMap(this.getNodeParameter('extraProfileProperties.property', i, [])),
				};
				const result = mapDelivery(delivery, options);
				const state = objectState(delivery.topic, delivery.payload);
				const checkState = this.getNodeParameter('checkObjectState', i, false) as boolean;
				for (const request of result.requests) {
					(checkState && state && STATEFUL_OPERATIONS.has(request.operation) ? toCheck : requests).push({
						json: { ...request, ...(state ? { object: state } : {}), ...letter } as unknown as IDataObject,
						pairedItem: { item: i },
					});
				}
				if (result.skipped) skipped.push({ json: { ...result.skipped, ...letter } as unknown as IDataObject, pairedItem: { item: i } });
				if (state && result.requests.length > 0) {
					const record: ObjectStateItem = {
						objectKey: state.objectKey,
						objectUpdatedAtMs: state.updatedAtMs,
						objectUpdatedAt: state.updatedAt,
						topic: delivery.topic,
						idempotencyKey: String(delivery.idempotencyKey ?? ''),
						receivedAt: typeof delivery.receivedAt === 'string' ? delivery.receivedAt : new Date().toISOString(),
					};
					states.push({ json: record as unknown as IDataObject, pairedItem: { item: i } });
				}
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				if (error instanceof MappingError) {
					// Shopify sent something we cannot map: not a crash. The whole delivery leaves on the
					// Invalid output with the field named, so it can be dead-lettered, fixed and replayed.
					const deliveryJson: IDataObject = { ...json };
					delete deliveryJson.letter;
					const item: InvalidDeliveryItem = {
						invalid: true,
						reason: message,
						field: error.field,
						topic: delivery.topic,
						idempotencyKey: delivery.idempotencyKey as string,
						delivery: deliveryJson as Record<string, unknown>,
					};
					if (delivery.shop) item.shop = delivery.shop;
					invalid.push({ json: { ...item, ...letter } as unknown as IDataObject, pairedItem: { item: i } });
					continue;
				}
				if (this.continueOnFail()) {
					const item: SkippedItem = {
						skipped: true,
						reason: message,
						topic: delivery.topic,
						idempotencyKey: delivery.idempotencyKey as string,
					};
					if (delivery.shop) item.shop = delivery.shop;
					skipped.push({ json: { ...item, ...letter } as unknown as IDataObject, pairedItem: { item: i } });
					continue;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
		}
		return [requests, skipped, invalid, states, toCheck];
	}
}
