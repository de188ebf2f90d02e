/**
 * Shopify → Klaviyo mapping: which rule handles which Shopify topic.
 *
 * Pure functions, no n8n: `mapDelivery(delivery, options)` returns the Klaviyo requests to
 * send (main output) or why there is nothing to send (Skipped output). Malformed payloads
 * throw a MappingError whose message names the field.
 */
import type { ShopifyDeliveryItem } from '../../shared/contract';
import { idempotencyKey } from '../../shared/idempotency';
import { MAPPED_TOPICS, UNMAPPED_REASONS, type MappedTopic, type UnmappedTopic } from '../../shared/topics';
import { MapContext, type MappingResult } from './context';
import { mapCheckout } from './checkout';
import { mapEmailConsent, mapSmsConsent } from './consent';
import { mapCustomer } from './customer';
import { resolveOptions, type MappingOptionsInput } from './options';
import { mapOrder } from './order';
import { mapRedact } from './privacy';
import { mapRefund } from './refund';
import { isRecord, MappingError, type Json } from './util';

type Mapper = (payload: Json, ctx: MapContext) => MappingResult;

/** One rule per topic the shared topic table (nodes/shared/topics.ts) marks as mapped. */
export const MAPPERS: Record<MappedTopic, Mapper> = {
	'customers/create': mapCustomer,
	'customers/update': mapCustomer,
	'customers/redact': mapRedact,
	'customers_email_marketing_consent/update': mapEmailConsent,
	'customers_marketing_consent/update': mapSmsConsent,
	'orders/create': mapOrder,
	'orders/updated': mapOrder,
	'orders/fulfilled': mapOrder,
	'orders/cancelled': mapOrder,
	'refunds/create': mapRefund,
	'checkouts/create': mapCheckout,
	'checkouts/update': mapCheckout,
};

/** Why the topics the trigger offers but the mapper does not send are skipped (from the topic table). */
export { UNMAPPED_REASONS };

export const SUPPORTED_TOPICS: readonly string[] = MAPPED_TOPICS;

export type DeliveryInput = Pick<ShopifyDeliveryItem, 'topic' | 'payload'> & Partial<ShopifyDeliveryItem>;

export function mapDelivery(delivery: DeliveryInput, options: MappingOptionsInput = {}): MappingResult {
	const topic = String(delivery.topic ?? '').trim().toLowerCase();
	const key = delivery.idempotencyKey ?? idempotencyKey({ shop: delivery.shop, topic, eventId: delivery.eventId, webhookId: delivery.webhookId });
	const ctx = new MapContext(topic, resolveOptions(options), key, delivery.shop);
	const mapper = Object.prototype.hasOwnProperty.call(MAPPERS, topic) ? MAPPERS[topic as MappedTopic] : undefined;
	if (!mapper && Object.prototype.hasOwnProperty.call(UNMAPPED_REASONS, topic)) return ctx.skip(UNMAPPED_REASONS[topic as UnmappedTopic]);
	if (!mapper) return ctx.skip(`topic "${topic || '(none)'}" is not mapped to Klaviyo (supported: ${SUPPORTED_TOPICS.join(', ')})`);
	if (!isRecord(delivery.payload)) throw new MappingError(topic, '(body)', 'is not a JSON object');
	return mapper(delivery.payload, ctx);
}

export { MappingError } from './util';
export type { MappingResult } from './context';
export { DEFAULT_METRIC_NAMES, DEFAULT_OPTIONS, resolveOptions } from './options';
export type { MappingOptions, MappingOptionsInput, MetricNames } from './options';
export { uniqueIds } from './ids';
