/**
 * Reconciliation's read: the orders and customers Shopify changed in (since, until], as deliveries in
 * the webhook shape — pure, no n8n.
 *
 * Each object becomes the deliveries its webhooks would have been (orders → orders/create, plus
 * orders/updated when it shows a fulfillment, cancellation or refund; customers → customers/update
 * plus the email / SMS consent topics), each with its object state (key + Shopify time), so the
 * workflow can skip objects whose state was already delivered live. Pages are read oldest update
 * first; when `maxObjects` is reached the read stops and `newestUpdatedAt` says how far it got, so
 * the checkpoint advances only that far.
 */
import type { ShopifyDeliveryItem } from '../../shared/contract';
import { idempotencyKey } from '../../shared/idempotency';
import type { MappedTopic } from '../../shared/topics';
import { objectState, type ObjectState } from '../../shared/objectState';
import { customerConsentToWebhooks, customerToWebhook, orderToWebhook, type Json } from './adapter';
import { graphqlCall, paceBefore, type CallOptions, type GraphqlTransport } from './client';
import { nodesOf } from './adapter';
import { changedPageQuery, DEFAULT_CUSTOMER_PAGE_SIZE, DEFAULT_PAGE_SIZE, orderLineItemsQuery, type Resource } from './queries';

export interface ReconciledDelivery extends ShopifyDeliveryItem {
	/** 'reconciliation' or 'backfill' */
	source: string;
	object?: ObjectState;
}

export interface ChangesSummary {
	resources: Resource[];
	since?: string;
	until: string;
	objects: number;
	deliveries: number;
	pages: number;
	/** Updated-at of the newest object read (ISO), or undefined when none */
	newestUpdatedAt?: string;
	/** True when maxObjects stopped the read of a resource before the end */
	truncated: boolean;
	/**
	 * How far every resource was read completely: `until`, or when a resource was cut short the
	 * oldest of the cut resources' newest updated-at. The next run may start here.
	 */
	checkpoint: string;
}

export interface ChangesInput {
	resources: Resource[];
	since?: string;
	until: string;
	shop: string;
	apiVersion: string;
	pageSize?: number;
	maxObjects?: number;
	now?: () => Date;
	source?: string;
}

const ORDER_STATUS_CHANGE = (order: Json): boolean =>
	order.fulfillment_status === 'fulfilled' || typeof order.cancelled_at === 'string' || (Array.isArray(order.refunds) && order.refunds.length > 0);

/** The webhook deliveries one GraphQL object stands for. */
export function deliveriesFor(resource: Resource, node: Json, ctx: { shop: string; apiVersion: string; receivedAt: string; source: string }): ReconciledDelivery[] {
	const make = (topic: MappedTopic, payload: Json): ReconciledDelivery => {
		const state = objectState(topic, payload);
		const id = String(payload.id ?? payload.customer_id ?? '');
		return {
			topic,
			shop: ctx.shop,
			apiVersion: ctx.apiVersion,
			webhookId: '',
			eventId: '',
			triggeredAt: state?.updatedAt ?? ctx.receivedAt,
			idempotencyKey: idempotencyKey({ shop: ctx.shop, source: ctx.source, topic, objectId: id, objectTimeMs: state?.updatedAtMs }),
			receivedAt: ctx.receivedAt,
			payload,
			source: ctx.source,
			...(state ? { object: state } : {}),
		};
	};
	if (resource === 'orders') {
		const order = orderToWebhook(node);
		const out = [make('orders/create', order)];
		if (ORDER_STATUS_CHANGE(order)) out.push(make('orders/updated', order));
		return out;
	}
	return [make('customers/update', customerToWebhook(node)), ...customerConsentToWebhooks(node).map((c) => make(c.topic, c.payload))];
}

export async function fetchChanges(
	transport: GraphqlTransport,
	input: ChangesInput,
	options: CallOptions,
): Promise<{ deliveries: ReconciledDelivery[]; summary: ChangesSummary }> {
	const receivedAt = (input.now ?? (() => new Date()))().toISOString();
	const source = input.source ?? 'reconciliation';
	const maxObjects = input.maxObjects ?? 5000;
	const deliveries: ReconciledDelivery[] = [];
	const summary: ChangesSummary = {
		resources: input.resources,
		since: input.since,
		until: input.until,
		objects: 0,
		deliveries: 0,
		pages: 0,
		truncated: false,
		checkpoint: input.until,
	};
	let newestMs = -Infinity;
	let checkpointMs = Date.parse(input.until);
	for (const resource of input.resources) {
		let after: string | null = null;
		let read = 0;
		let resourceNewestMs = Date.parse(input.since ?? '') || 0;
		for (;;) {
			if (read >= maxObjects) {
				summary.truncated = true;
				checkpointMs = Math.min(checkpointMs, resourceNewestMs);
				break;
			}
			const body = changedPageQuery(resource, { since: input.since, until: input.until, first: Math.min(input.pageSize ?? (resource === 'orders' ? DEFAULT_PAGE_SIZE : DEFAULT_CUSTOMER_PAGE_SIZE), maxObjects - read), after });
			await paceBefore(options, options.stats?.lastCost?.requestedQueryCost);
			const data = await graphqlCall(transport, body, options, `reading ${resource} updated since ${input.since ?? 'the beginning'}`);
			summary.pages++;
			const conn = (data[resource] ?? {}) as { nodes?: Json[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } };
			for (const node of conn.nodes ?? []) {
				if (resource === 'orders') await completeLineItems(transport, node, options);
				summary.objects++;
				read++;
				const ms = Date.parse(String(node.updatedAt ?? ''));
				if (Number.isFinite(ms) && ms > newestMs) newestMs = ms;
				if (Number.isFinite(ms) && ms > resourceNewestMs) resourceNewestMs = ms;
				deliveries.push(...deliveriesFor(resource, node, { shop: input.shop, apiVersion: input.apiVersion, receivedAt, source }));
			}
			if (!conn.pageInfo?.hasNextPage || !conn.pageInfo.endCursor) break;
			after = conn.pageInfo.endCursor;
		}
	}
	summary.deliveries = deliveries.length;
	if (Number.isFinite(newestMs)) summary.newestUpdatedAt = new Date(newestMs).toISOString();
	summary.checkpoint = new Date(checkpointMs).toISOString();
	return { deliveries, summary };
}

/** An order with more line items than its page carried: read the rest (every line is an event). */
async function completeLineItems(transport: GraphqlTransport, order: Json, options: CallOptions): Promise<void> {
	const lineItems = (order.lineItems ?? {}) as { nodes?: Json[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } };
	let pageInfo = lineItems.pageInfo;
	const all = nodesOf(lineItems);
	while (pageInfo?.hasNextPage && pageInfo.endCursor) {
		await paceBefore(options, options.stats?.lastCost?.requestedQueryCost);
		const data = await graphqlCall(transport, orderLineItemsQuery(String(order.id), pageInfo.endCursor), options, `reading the line items of order ${String(order.name ?? order.id)}`);
		const more = ((data.order as Json | undefined)?.lineItems ?? {}) as { nodes?: Json[]; pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } };
		all.push(...nodesOf(more));
		pageInfo = more.pageInfo;
	}
	order.lineItems = { nodes: all };
}
