import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { fromParameter, NodeConnectionTypes, NodeOperationError, webhookDescriptionFields } from 'n8n-workflow';

import { SHOPIFY_DEFAULT_API_VERSION } from '../../credentials/ShopifyWebhookApi.credentials';
import type { ShopifyDeliveryItem } from '../shared/contract';
import { DEFAULT_TRIGGER_TOPICS, SHOPIFY_TOPICS } from '../shared/topics';
import type { ShopifyTopic } from '../shared/topics';
import { idempotencyKey } from '../shared/idempotency';
import { isCredentialShop, readShopifyHeaders } from './headers';
import type { HeaderBag } from './headers';
import { parseShopifyJson } from './parse';
import {
	deleteSubscriptions,
	ensureSubscriptions,
	graphqlEndpoint,
	normalizeApiVersion,
	normalizeShopDomain,
	subscriptionsExist,
} from './subscriptions';
import type { GraphqlRequest } from './subscriptions';
import { verifyShopifyHmac } from './verify';

const CREDENTIAL = 'shopifyWebhookApi';

/**
 * Value = the Shopify topic string exactly as sent in X-Shopify-Topic. Derived from the shared
 * topic table, as is the default selection (the topics the mapper sends to Klaviyo).
 */
export const TOPIC_OPTIONS: INodePropertyOptions[] = SHOPIFY_TOPICS.map((t: ShopifyTopic) => {
	const option: INodePropertyOptions = { name: t.name, value: t.topic };
	if (t.description) option.description = t.description;
	return option;
});

interface StaticData {
	subscriptionIds?: string[];
	callbackUrl?: string;
}

function secretsOf(credentials: ICredentialDataDecryptedObject): string[] {
	return [credentials.webhookSecret, credentials.previousWebhookSecret].map((secret) =>
		typeof secret === 'string' ? secret.trim() : '',
	);
}

function hasAccessToken(credentials: ICredentialDataDecryptedObject): boolean {
	return typeof credentials.accessToken === 'string' && credentials.accessToken.trim() !== '';
}

function selectedTopics(ctx: IHookFunctions | IWebhookFunctions): string[] {
	const topics = ctx.getNodeParameter('topics', [...DEFAULT_TRIGGER_TOPICS]) as string[];
	return Array.isArray(topics) ? topics : [];
}

async function graphqlRequester(ctx: IHookFunctions): Promise<GraphqlRequest> {
	const credentials = await ctx.getCredentials(CREDENTIAL);
	let url: string;
	try {
		url = graphqlEndpoint(
			normalizeShopDomain(credentials.shopDomain),
			normalizeApiVersion(credentials.apiVersion, SHOPIFY_DEFAULT_API_VERSION),
			credentials.apiUrl,
		);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), error as Error);
	}
	return async (body) =>
		await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL, {
			method: 'POST',
			url,
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body,
			json: true,
		});
}

function webhookUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'Could not determine the webhook URL');
	return url;
}

/**
 * The webhook path, from the node's Path parameter. With n8n-workflow's webhookDescriptionFields
 * (n8n ≥ 2.41), n8n resolves it natively on each delivery instead of evaluating the template
 * `={{$parameter["path"]}}` in its expression engine (a V8 isolate under the default `vm` engine):
 * measured, that evaluation was the largest single cost of a delivery. Older n8n versions, which
 * lack the helper, get the same template.
 */
function webhookPath(): { path: string } {
	if (typeof webhookDescriptionFields === 'function' && typeof fromParameter === 'function') {
		return webhookDescriptionFields({ path: fromParameter('path') });
	}
	return { path: '={{$parameter["path"]}}' };
}

export class ShopifyWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Shopify Webhook Trigger',
		name: 'shopifyWebhookTrigger',
		icon: { light: 'file:../../icons/shopify.svg', dark: 'file:../../icons/shopify.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves exactly like 1. It exists because n8n evaluates an expression
		// (`$parameter.options.binaryData`) in its expression engine on every request to a version-1
		// webhook node, and skips it for later versions — one V8 isolate per delivery saved.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["topics"].length + " topic(s)"}}',
		description: 'Starts the workflow on verified Shopify webhook deliveries (HMAC-SHA256 checked)',
		defaults: {
			name: 'Shopify Webhook Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: CREDENTIAL,
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// empty: n8n then answers with the webhookResponse we return ({ok:true}) instead of the literal 'firstEntryJson'
				responseData: '',
				isFullPath: true,
				...webhookPath(),
			},
		],
		properties: [
			{
				displayName:
					'Without an Admin API access token in the credential, create the webhooks yourself in Shopify admin → Settings → Notifications → Webhooks: format JSON, URL = this node\'s Production URL, one per topic. Put the signing key shown there ("Your webhooks will be signed with …") into the credential\'s Webhook Signing Secret. With a token, the webhooks are registered when the workflow is published and removed when it is unpublished.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'shopify',
				required: true,
				description:
					'The webhook path. The production URL is {n8n base URL}/webhook/{path}; use a different path per store or workflow.',
			},
			{
				displayName: 'Topics',
				name: 'topics',
				type: 'multiOptions',
				options: TOPIC_OPTIONS,
				default: [...DEFAULT_TRIGGER_TOPICS],
				required: true,
				description:
					'Shopify topics that start the workflow. Selected by default: every topic the Shopify to Klaviyo node sends to Klaviyo. Signed deliveries of other topics are acknowledged (200) and ignored.',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials(CREDENTIAL);
				// No token: nothing to register; the user creates the webhooks in Shopify admin.
				if (!hasAccessToken(credentials)) return true;
				const request = await graphqlRequester(this);
				const url = webhookUrl(this);
				const { exists, ids } = await subscriptionsExist(request, url, selectedTopics(this));
				if (exists) {
					const staticData = this.getWorkflowStaticData('node') as StaticData;
					staticData.subscriptionIds = ids;
					staticData.callbackUrl = url;
				}
				return exists;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials(CREDENTIAL);
				if (!hasAccessToken(credentials)) return true;
				const request = await graphqlRequester(this);
				const url = webhookUrl(this);
				let result;
				try {
					result = await ensureSubscriptions(request, url, selectedTopics(this));
				} catch (error) {
					throw new NodeOperationError(this.getNode(), error as Error, {
						description:
							'Check the access token scopes (read_customers, read_orders) and, for customer and order topics, that the app has protected customer data access approved. The webhook URL must be public HTTPS.',
					});
				}
				const staticData = this.getWorkflowStaticData('node') as StaticData;
				staticData.subscriptionIds = [...result.existing, ...result.created];
				staticData.callbackUrl = url;
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node') as StaticData;
				const ids = staticData.subscriptionIds ?? [];
				if (ids.length === 0) return true;
				const credentials = await this.getCredentials(CREDENTIAL);
				if (!hasAccessToken(credentials)) return true;
				const request = await graphqlRequester(this);
				try {
					await deleteSubscriptions(request, ids);
				} catch (error) {
					throw new NodeOperationError(this.getNode(), error as Error);
				}
				delete staticData.subscriptionIds;
				delete staticData.callbackUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const credentials = await this.getCredentials(CREDENTIAL);
		const meta = readShopifyHeaders(req.headers as HeaderBag);

		// n8n keeps the exact request bytes in rawBody. Re-serialising the parsed body is only a
		// fallback: it rarely reproduces Shopify's bytes, so such deliveries will usually fail the check.
		let rawBody: Buffer;
		if (Buffer.isBuffer(req.rawBody)) {
			rawBody = req.rawBody;
		} else {
			this.logger.warn(
				'Shopify Webhook Trigger: raw request body unavailable; verifying a re-serialised body',
			);
			const fallback: unknown = req.rawBody ?? req.body ?? {};
			rawBody = Buffer.from(typeof fallback === 'string' ? fallback : JSON.stringify(fallback));
		}

		// Never log or echo the secret or the signature.
		const verdict = verifyShopifyHmac(rawBody, meta.hmac, secretsOf(credentials));
		if (!verdict.ok) {
			this.logger.warn(
				`Shopify Webhook Trigger: rejected a delivery (${verdict.reason} signature)`,
			);
			res.status(401).json({ error: 'invalid signature' });
			return { noWebhookResponse: true };
		}

		// One app secret signs the webhooks of every shop the app is installed on: a delivery for
		// another shop is acknowledged (so Shopify does not retry it) but not processed.
		if (!isCredentialShop(credentials.shopDomain, meta.shop)) {
			const shop = meta.shop || '(none)';
			this.logger.warn(
				`Shopify Webhook Trigger: ignored a delivery for shop ${shop}; the credential names another shop`,
			);
			return {
				webhookResponse: {
					ok: true,
					ignored: 'shop',
					reason: `delivery for shop ${shop}, not the shop of this trigger's credential; not processed`,
				},
			};
		}

		const parsed = parseShopifyJson(rawBody);
		if (
			!parsed.ok ||
			!parsed.value ||
			typeof parsed.value !== 'object' ||
			Array.isArray(parsed.value)
		) {
			res.status(400).json({ error: 'invalid JSON' });
			return { noWebhookResponse: true };
		}

		if (!selectedTopics(this).includes(meta.topic)) {
			return { webhookResponse: { ok: true, ignored: meta.topic } };
		}

		const item: ShopifyDeliveryItem = {
			topic: meta.topic,
			shop: meta.shop,
			apiVersion: meta.apiVersion,
			webhookId: meta.webhookId,
			eventId: meta.eventId,
			triggeredAt: meta.triggeredAt,
			idempotencyKey: idempotencyKey(meta),
			receivedAt: new Date().toISOString(),
			payload: parsed.value as Record<string, unknown>,
		};

		return {
			workflowData: [[{ json: item as unknown as IDataObject }]],
			webhookResponse: { ok: true },
		};
	}
}
