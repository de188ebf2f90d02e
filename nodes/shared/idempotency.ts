/**
 * The idempotency key of a delivery, in one place: the dead-letter queue keys its rows by it
 * (`delivery:<key>`), so a re-delivery of the same event updates the same row. Pure, no n8n imports.
 *
 *   Shopify webhook      `${shop}:${topic}:${eventId || webhookId}` — X-Shopify-Event-Id is the same
 *                        across Shopify's re-deliveries (and across subscriptions of one event)
 *   bare payload         `manual:${topic}:${payload id}` — an item that did not come from the trigger
 *                        (the mapper's Topic parameter); the shop when known
 *   polled change        `${shop}:${source}:${topic}:${object id}:${object time ms}` — the Shopify
 *                        Admin node's reading of an object: the same object state gives the same key
 */

export type IdempotencyKeyParts =
	| {
			shop?: string;
			topic: string;
			/** X-Shopify-Event-Id */
			eventId?: string;
			/** X-Shopify-Webhook-Id, when there is no event id */
			webhookId?: string;
			/** Last resort: the payload's id (or the item's position) for a bare payload */
			fallbackId?: string;
	  }
	| {
			shop: string;
			/** Where the change was read, e.g. "graphql" */
			source: string;
			topic: string;
			objectId: string;
			/** The object's Shopify update time in ms; undefined when it has none */
			objectTimeMs?: number;
	  };

export function idempotencyKey(parts: IdempotencyKeyParts): string {
	if ('source' in parts) {
		return `${parts.shop}:${parts.source}:${parts.topic}:${parts.objectId}:${parts.objectTimeMs ?? 'no-time'}`;
	}
	return `${parts.shop ?? 'manual'}:${parts.topic}:${parts.eventId || parts.webhookId || parts.fallbackId || ''}`;
}
