import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { SHOPIFY_DEFAULT_API_VERSION } from '../../credentials/ShopifyWebhookApi.credentials';
import { graphqlEndpoint, normalizeApiVersion, normalizeShopDomain } from '../ShopifyWebhookTrigger/subscriptions';
import { backfillStateFrom, backfillStep, type RangeDownload } from './graphql/backfill';
import { fetchChanges } from './graphql/changes';
import { newStats, type GraphqlTransport } from './graphql/client';
import { DEFAULT_CUSTOMER_PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, searchTime, type Resource } from './graphql/queries';

const CREDENTIAL = 'shopifyWebhookApi';

/**
 * Reads orders and customers from Shopify's GraphQL Admin API for reconciliation: every object changed
 * since a checkpoint, as deliveries in the webhook shape, so they go through the same Shopify to
 * Klaviyo node as live webhooks. Glue only: the queries, throttling and shape adapter are in graphql/.
 */
export class ShopifyAdmin implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shopify Admin (Sync)',
		name: 'shopifyAdmin',
		icon: { light: 'file:../../icons/shopify.svg', dark: 'file:../../icons/shopify.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: 'Changed orders and customers',
		description:
			"Reads the orders and customers Shopify changed since a checkpoint (GraphQL Admin API, riding Shopify's cost-based throttling) as webhook-shaped deliveries for the Shopify to Klaviyo node",
		defaults: { name: 'Shopify Admin' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Deliveries', 'Summary'],
		credentials: [{ name: CREDENTIAL, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Get Changed Orders and Customers',
						value: 'getChanges',
						action: 'Get changed orders and customers',
						description: 'Every order and customer updated since a time, oldest first, as webhook-shaped deliveries',
					},
					{
						name: 'Backfill: Next Chunk',
						value: 'backfillChunk',
						action: 'Read the next chunk of a backfill',
						description:
							'History through Shopify bulk operations: the input item is a backfill run (a shopify_backfill row); outputs the deliveries of its next chunk and the run state after it',
					},
				],
				default: 'getChanges',
			},
			{
				displayName: 'Resources',
				name: 'resources',
				type: 'multiOptions',
				options: [
					{ name: 'Orders', value: 'orders' },
					{ name: 'Customers (Profile and Marketing Consent)', value: 'customers' },
				],
				default: ['orders', 'customers'],
			},
			{
				displayName: 'Updated Since',
				name: 'since',
				type: 'string',
				default: '={{ $json.since }}',
				placeholder: '2026-01-01T00:00:00Z',
				description: 'Read objects updated after this time (ISO 8601). Empty: the last Initial Window minutes.',
				displayOptions: { show: { operation: ['getChanges'] } },
			},
			{
				displayName: 'Overlap (Minutes)',
				name: 'overlapMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description:
					'Read this much before Updated Since as well: Shopify can commit an update with a timestamp slightly in the past, and a read cut short continues at the last update it saw',
				displayOptions: { show: { operation: ['getChanges'] } },
			},
			{
				displayName: 'Initial Window (Minutes)',
				name: 'initialWindowMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'When Updated Since is empty (first run): how far back to read',
				displayOptions: { show: { operation: ['getChanges'] } },
			},
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_PAGE_SIZE },
				default: 0,
				description: `Objects per GraphQL request; 0 = automatic (${DEFAULT_PAGE_SIZE} orders, ${DEFAULT_CUSTOMER_PAGE_SIZE} customers: Shopify refuses a request whose worst-case cost exceeds 1000 points)`,
				displayOptions: { show: { operation: ['getChanges'] } },
			},
			{
				displayName: 'Max Objects per Resource',
				name: 'maxObjects',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5000,
				description: 'Stop reading a resource after this many objects; the Summary checkpoint then says how far it got, and the next run continues there',
				displayOptions: { show: { operation: ['getChanges'] } },
			},
			{
				displayName: 'Objects per Chunk',
				name: 'chunkObjects',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10000 },
				default: 1000,
				description: 'Orders or customers read per chunk (one execution each); the run state is saved after each chunk reached Klaviyo',
				displayOptions: { show: { operation: ['backfillChunk'] } },
			},
			{
				displayName: 'Bulk Status Check Interval (Seconds)',
				name: 'pollSeconds',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: 2,
				displayOptions: { show: { operation: ['backfillChunk'] } },
			},
			{
				displayName: 'Max Wait for a Bulk Export (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				displayOptions: { show: { operation: ['backfillChunk'] } },
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials(CREDENTIAL);
		if (typeof credentials.accessToken !== 'string' || credentials.accessToken.trim() === '') {
			throw new NodeOperationError(this.getNode(), 'The Shopify credential has no Admin API Access Token: reading orders and customers needs one (scopes read_orders, read_customers)');
		}
		let url: string;
		let shop: string;
		let apiVersion: string;
		try {
			shop = normalizeShopDomain(credentials.shopDomain);
			apiVersion = normalizeApiVersion(credentials.apiVersion, SHOPIFY_DEFAULT_API_VERSION);
			url = graphqlEndpoint(shop, apiVersion, credentials.apiUrl);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), error as Error);
		}
		const transport: GraphqlTransport = async (body) => {
			const options: IHttpRequestOptions = {
				method: 'POST',
				url,
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			};
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL, options)) as {
				statusCode?: number;
				body?: unknown;
				headers?: Record<string, string>;
			};
			return { status: Number(response.statusCode ?? 200), body: response.body, retryAfter: response.headers?.['retry-after'] };
		};

		const deliveries: INodeExecutionData[] = [];
		const summaries: INodeExecutionData[] = [];
		const items = this.getInputData();
		if (this.getNodeParameter('operation', 0, 'getChanges') === 'backfillChunk') {
			// the result file is at a signed URL of Shopify's storage: no Shopify credential is sent there
			const download: RangeDownload = async (fileUrl, start, end) => {
				const response = (await this.helpers.httpRequest({
					method: 'GET',
					url: fileUrl,
					headers: { Range: `bytes=${start}-${end}` },
					encoding: 'arraybuffer',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					json: false,
				})) as { statusCode?: number; body?: unknown; headers?: Record<string, string> };
				const raw = response.body;
				const body = Buffer.isBuffer(raw)
					? raw
					: raw instanceof ArrayBuffer
						? Buffer.from(new Uint8Array(raw))
						: Buffer.from(typeof raw === 'string' ? raw : '', 'utf8');
				return { status: Number(response.statusCode ?? 200), body, contentRange: response.headers?.['content-range'] };
			};
			for (let i = 0; i < items.length; i++) {
				const stats = newStats();
				const row = items[i].json;
				try {
					const step = await backfillStep(
						transport,
						download,
						backfillStateFrom(row),
						{
							shop,
							apiVersion,
							resources: this.getNodeParameter('resources', i, ['orders', 'customers']) as Resource[],
							maxObjects: Number(this.getNodeParameter('chunkObjects', i, 1000)),
							pollMs: Number(this.getNodeParameter('pollSeconds', i, 2)) * 1000,
							maxWaitMs: Number(this.getNodeParameter('maxWaitMinutes', i, 60)) * 60_000,
						},
						{ sleep, stats },
					);
					for (const d of step.deliveries) deliveries.push({ json: d as unknown as IDataObject, pairedItem: { item: i } });
					summaries.push({
						json: { ...row, ...step.state, chunk: step.chunk, shopifyCalls: stats.calls, throttled: stats.throttled } as unknown as IDataObject,
						pairedItem: { item: i },
					});
				} catch (error) {
					if (this.continueOnFail()) {
						summaries.push({ json: { ...row, chunkError: (error as Error).message, shopifyCalls: stats.calls }, pairedItem: { item: i } });
						continue;
					}
					throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
				}
			}
			return [deliveries, summaries];
		}
		for (let i = 0; i < items.length; i++) {
			const resources = this.getNodeParameter('resources', i, ['orders', 'customers']) as Resource[];
			const sinceRaw = String(this.getNodeParameter('since', i, '') ?? '').trim();
			const overlapMinutes = Number(this.getNodeParameter('overlapMinutes', i, 10));
			const initialWindow = Number(this.getNodeParameter('initialWindowMinutes', i, 60));
			const now = new Date();
			let sinceMs: number;
			try {
				sinceMs = sinceRaw ? Date.parse(searchTime(sinceRaw, 'Updated Since')) - overlapMinutes * 60_000 : now.getTime() - initialWindow * 60_000;
			} catch (error) {
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
			const stats = newStats();
			try {
				const { deliveries: found, summary } = await fetchChanges(
					transport,
					{
						resources,
						since: new Date(sinceMs).toISOString(),
						until: now.toISOString(),
						shop,
						apiVersion,
						pageSize: Number(this.getNodeParameter('pageSize', i, 0)) || undefined,
						maxObjects: Number(this.getNodeParameter('maxObjects', i, 5000)),
						now: () => now,
					},
					{ sleep, stats },
				);
				for (const d of found) deliveries.push({ json: d as unknown as IDataObject, pairedItem: { item: i } });
				summaries.push({
					json: { ...summary, requestedSince: sinceRaw || null, shopifyCalls: stats.calls, throttled: stats.throttled, waitedMs: stats.waitedMs } as unknown as IDataObject,
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					summaries.push({ json: { error: (error as Error).message, shopifyCalls: stats.calls }, pairedItem: { item: i } });
					continue;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
		}
		return [deliveries, summaries];
	}
}
