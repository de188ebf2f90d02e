/**
 * Shopify webhook subscription management over the GraphQL Admin API.
 *
 * No n8n imports: every call goes through a passed-in `request` function, which the node wires to
 * `this.helpers.httpRequestWithAuthentication` (POST https://{shop}/admin/api/{version}/graphql.json).
 *
 * Since API 2025-04 a subscription's destination is `uri` (HTTPS URL, Pub/Sub or EventBridge);
 * `callbackUrl` / `endpoint` are deprecated. If a store's API version predates `uri`, the GraphQL
 * validation error names it and we fall back to `callbackUrl`.
 */

export interface GraphqlBody {
	query: string;
	variables?: Record<string, unknown>;
}

/** Sends one GraphQL request and resolves with the parsed JSON response ({ data, errors }). */
export type GraphqlRequest = (body: GraphqlBody) => Promise<unknown>;

export interface WebhookSubscriptionSummary {
	id: string;
	/** GraphQL enum form, e.g. ORDERS_CREATE */
	topic: string;
	uri: string;
}

export interface EnsureResult {
	/** Ids of subscriptions created now */
	created: string[];
	/** Ids of subscriptions that already pointed at this URL for a selected topic */
	existing: string[];
	/** Topics that cannot be registered through webhookSubscriptionCreate (compliance topics) */
	skipped: string[];
}

/**
 * Mandatory compliance topics: configured in the Partner dashboard / app configuration
 * (shopify.app.toml `compliance_topics`), never through webhookSubscriptionCreate.
 */
export const COMPLIANCE_TOPICS: readonly string[] = [
	'customers/data_request',
	'customers/redact',
	'shop/redact',
];

const SHOP_DOMAIN_RE = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const API_VERSION_RE = /^(\d{4}-\d{2}|unstable)$/;

/** Normalises and validates the credential's shop domain; throws an Error naming 'Shop Domain'. */
export function normalizeShopDomain(input: unknown): string {
	const raw = typeof input === 'string' ? input : '';
	const domain = raw
		.trim()
		.toLowerCase()
		.replace(/^https?:\/\//, '')
		.replace(/\/+$/, '');
	if (!SHOP_DOMAIN_RE.test(domain)) {
		throw new Error(
			`Shop Domain must be your store's permanent *.myshopify.com domain (e.g. your-store.myshopify.com), got "${raw.trim()}"`,
		);
	}
	return domain;
}

/** Validates the credential's API version (YYYY-MM or 'unstable'). */
export function normalizeApiVersion(input: unknown, fallback: string): string {
	const version = typeof input === 'string' && input.trim() !== '' ? input.trim() : fallback;
	if (!API_VERSION_RE.test(version)) {
		throw new Error(`Admin API Version must look like 2026-10, got "${version}"`);
	}
	return version;
}

/**
 * The GraphQL Admin endpoint: https://{shop}/admin/api/{version}/graphql.json, or on the credential's
 * Admin API URL (a proxy or a sandbox) when one is set. Throws an Error naming 'Admin API URL'.
 */
export function graphqlEndpoint(shopDomain: string, apiVersion: string, apiUrl?: unknown): string {
	return `${adminBaseUrl(shopDomain, apiUrl)}/admin/api/${apiVersion}/graphql.json`;
}

export function adminBaseUrl(shopDomain: string, apiUrl?: unknown): string {
	const raw = typeof apiUrl === 'string' ? apiUrl.trim() : '';
	if (raw === '') return `https://${shopDomain}`;
	if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/i.test(raw)) throw new Error(`Admin API URL must be an http(s) URL such as https://your-store.myshopify.com, got "${raw}"`);
	return raw.replace(/\/+$/, '');
}

/** 'orders/create' → 'ORDERS_CREATE', 'customers_email_marketing_consent/update' → '…_UPDATE'. */
export function topicToEnum(topic: string): string {
	return topic.trim().toUpperCase().replace(/\//g, '_');
}

export function isComplianceTopic(topic: string): boolean {
	return COMPLIANCE_TOPICS.includes(topic.trim().toLowerCase());
}

type Mode = 'uri' | 'callbackUrl';

interface GraphqlResponse {
	data?: Record<string, unknown> | null;
	errors?: Array<{ message?: string }> | string;
}

function errorMessages(response: GraphqlResponse): string[] {
	const { errors } = response;
	if (!errors) return [];
	if (typeof errors === 'string') return [errors];
	if (!Array.isArray(errors)) return ['Unknown GraphQL error'];
	return errors.map((e) => (typeof e?.message === 'string' ? e.message : JSON.stringify(e)));
}

/** True when a GraphQL validation error says the `uri` field/argument does not exist (old API). */
function isUriUnsupported(messages: string[]): boolean {
	return messages.some((m) => /\buri\b/i.test(m) && /(exist|accept|defined|unknown)/i.test(m));
}

function parseJsonOrUndefined(text: string): GraphqlResponse | undefined {
	try {
		const value = JSON.parse(text) as unknown;
		return value && typeof value === 'object' ? (value as GraphqlResponse) : undefined;
	} catch {
		return undefined;
	}
}

async function call(request: GraphqlRequest, body: GraphqlBody): Promise<GraphqlResponse> {
	const response = (await request(body)) as GraphqlResponse | string | undefined;
	if (typeof response === 'string') {
		const parsed = parseJsonOrUndefined(response);
		if (!parsed) throw new Error('Shopify returned a non-JSON response to a GraphQL request');
		return parsed;
	}
	if (!response || typeof response !== 'object') {
		throw new Error('Shopify returned an empty response to a GraphQL request');
	}
	return response;
}

function throwOnErrors(response: GraphqlResponse, what: string): void {
	const messages = errorMessages(response);
	if (messages.length > 0) {
		throw new Error(`Shopify GraphQL error while ${what}: ${messages.join('; ')}`);
	}
}

const LIST_QUERY: Record<Mode, string> = {
	uri: `query ListWebhookSubscriptions($after: String) {
  webhookSubscriptions(first: 250, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}`,
	callbackUrl: `query ListWebhookSubscriptions($after: String) {
  webhookSubscriptions(first: 250, after: $after) {
    nodes { id topic callbackUrl }
    pageInfo { hasNextPage endCursor }
  }
}`,
};

const CREATE_MUTATION: Record<Mode, string> = {
	uri: `mutation CreateWebhookSubscription($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`,
	callbackUrl: `mutation CreateWebhookSubscription($topic: WebhookSubscriptionTopic!, $uri: URL!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { callbackUrl: $uri, format: JSON }) {
    webhookSubscription { id topic callbackUrl }
    userErrors { field message }
  }
}`,
};

const DELETE_MUTATION = `mutation DeleteWebhookSubscription($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}`;

interface ListPage {
	nodes?: Array<{ id?: string; topic?: string; uri?: string; callbackUrl?: string }>;
	pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
}

async function listWithMode(
	request: GraphqlRequest,
	mode: Mode,
): Promise<{ unsupported: true } | { unsupported: false; items: WebhookSubscriptionSummary[] }> {
	const items: WebhookSubscriptionSummary[] = [];
	let after: string | null = null;
	// Bounded: at most 40 pages of 250 subscriptions.
	for (let page = 0; page < 40; page++) {
		const response = await call(request, { query: LIST_QUERY[mode], variables: { after } });
		const messages = errorMessages(response);
		if (mode === 'uri' && page === 0 && isUriUnsupported(messages)) return { unsupported: true };
		throwOnErrors(response, 'listing webhook subscriptions');
		const connection = response.data?.webhookSubscriptions as ListPage | undefined;
		for (const node of connection?.nodes ?? []) {
			if (!node?.id) continue;
			items.push({
				id: node.id,
				topic: String(node.topic ?? ''),
				uri: String(node.uri ?? node.callbackUrl ?? ''),
			});
		}
		if (!connection?.pageInfo?.hasNextPage || !connection.pageInfo.endCursor) break;
		after = connection.pageInfo.endCursor;
	}
	return { unsupported: false, items };
}

/** Lists the app's webhook subscriptions on this shop that deliver to `uri`. */
export async function listSubscriptions(
	request: GraphqlRequest,
	uri: string,
): Promise<WebhookSubscriptionSummary[]> {
	return (await listAndDetect(request, uri)).items;
}

async function listAndDetect(
	request: GraphqlRequest,
	uri: string,
): Promise<{ mode: Mode; items: WebhookSubscriptionSummary[] }> {
	let mode: Mode = 'uri';
	let result = await listWithMode(request, mode);
	if (result.unsupported) {
		mode = 'callbackUrl';
		result = await listWithMode(request, mode);
	}
	const items = result.unsupported ? [] : result.items;
	return { mode, items: items.filter((s) => s.uri === uri) };
}

/** Topics (Shopify strings) that can be registered via the API, i.e. minus compliance topics. */
export function registrableTopics(topics: readonly string[]): string[] {
	const seen = new Set<string>();
	for (const topic of topics) {
		const t = topic.trim().toLowerCase();
		if (t && !isComplianceTopic(t)) seen.add(t);
	}
	return [...seen];
}

/** True when every registrable topic already has a subscription to `uri`. */
export async function subscriptionsExist(
	request: GraphqlRequest,
	uri: string,
	topics: readonly string[],
): Promise<{ exists: boolean; ids: string[] }> {
	const existing = await listSubscriptions(request, uri);
	const byTopic = new Map(existing.map((s) => [s.topic, s.id]));
	const wanted = registrableTopics(topics);
	const ids = wanted.map((t) => byTopic.get(topicToEnum(t))).filter((id): id is string => !!id);
	return { exists: ids.length === wanted.length, ids };
}

/**
 * Creates one subscription per selected topic delivering JSON to `uri`, skipping topics that are
 * already subscribed to that URI (idempotent re-publish) and compliance topics.
 * A userError stops the run with a message naming the topic and Shopify's explanation.
 */
export async function ensureSubscriptions(
	request: GraphqlRequest,
	uri: string,
	topics: readonly string[],
): Promise<EnsureResult> {
	const result: EnsureResult = { created: [], existing: [], skipped: [] };
	for (const topic of topics) {
		if (isComplianceTopic(topic)) result.skipped.push(topic.trim().toLowerCase());
	}
	const { mode, items } = await listAndDetect(request, uri);
	const byTopic = new Map(items.map((s) => [s.topic, s.id]));

	for (const topic of registrableTopics(topics)) {
		const topicEnum = topicToEnum(topic);
		const existingId = byTopic.get(topicEnum);
		if (existingId) {
			result.existing.push(existingId);
			continue;
		}
		const response = await call(request, {
			query: CREATE_MUTATION[mode],
			variables: { topic: topicEnum, uri },
		});
		throwOnErrors(response, `subscribing to ${topic}`);
		const payload = response.data?.webhookSubscriptionCreate as
			| { webhookSubscription?: { id?: string } | null; userErrors?: Array<{ message?: string }> }
			| undefined;
		const userErrors = (payload?.userErrors ?? []).map((e) => e?.message ?? 'unknown error');
		if (userErrors.length > 0) {
			throw new Error(
				`Shopify refused the webhook subscription for topic "${topic}": ${userErrors.join('; ')}`,
			);
		}
		const id = payload?.webhookSubscription?.id;
		if (!id) {
			throw new Error(`Shopify returned no subscription id for topic "${topic}"`);
		}
		result.created.push(id);
		byTopic.set(topicEnum, id);
	}
	return result;
}

/**
 * Deletes the given subscriptions. Ids Shopify no longer knows are treated as already deleted;
 * other userErrors throw. Returns the ids actually deleted.
 */
export async function deleteSubscriptions(
	request: GraphqlRequest,
	ids: readonly string[],
): Promise<string[]> {
	const deleted: string[] = [];
	for (const id of ids) {
		const response = await call(request, { query: DELETE_MUTATION, variables: { id } });
		throwOnErrors(response, 'deleting a webhook subscription');
		const payload = response.data?.webhookSubscriptionDelete as
			| { deletedWebhookSubscriptionId?: string | null; userErrors?: Array<{ message?: string }> }
			| undefined;
		const userErrors = (payload?.userErrors ?? []).map((e) => e?.message ?? 'unknown error');
		if (userErrors.length > 0) {
			if (userErrors.every((m) => /not exist|not found|does not exist/i.test(m))) continue;
			throw new Error(
				`Shopify refused to delete webhook subscription ${id}: ${userErrors.join('; ')}`,
			);
		}
		if (payload?.deletedWebhookSubscriptionId) deleted.push(payload.deletedWebhookSubscriptionId);
	}
	return deleted;
}
