/**
 * Every Shopify webhook topic this package knows, in one table. The Shopify Webhook Trigger's
 * Topics option list and its default selection, and the topics the Shopify to Klaviyo mapper
 * turns into Klaviyo requests, are all derived from it (a unit test holds them together).
 *
 * `mapped: true`  → the mapper has a rule that sends something to Klaviyo, and the trigger
 *                   subscribes to the topic by default.
 * `mapped: false` → offered by the trigger for other workflows, not selected by default; the
 *                   mapper sends such deliveries to Skipped with the reason.
 *
 * Pure data, no n8n imports. Sorted by name (the order the editor lists them in).
 */

export interface ShopifyTopic {
	/** Exactly as Shopify sends it in X-Shopify-Topic */
	readonly topic: string;
	/** Shown in the trigger's Topics list */
	readonly name: string;
	/** Whether the mapper turns it into Klaviyo requests (and the trigger subscribes by default) */
	readonly mapped: boolean;
	/** Mandatory compliance topic: configured in the app configuration, never registered through the API */
	readonly compliance?: boolean;
	/** Shown under the option in the editor */
	readonly description?: string;
	/** Unmapped topics: why the mapper sends the delivery to Skipped */
	readonly skipReason?: string;
}

export const SHOPIFY_TOPICS = [
	{ topic: 'checkouts/create', name: 'Checkout Created', mapped: true },
	{ topic: 'checkouts/update', name: 'Checkout Updated', mapped: true },
	{ topic: 'customers/create', name: 'Customer Created', mapped: true },
	{
		topic: 'customers/delete',
		name: 'Customer Deleted',
		mapped: false,
		description:
			'Not mapped to Klaviyo: Shopify sends only the customer id, and deleting a Shopify customer record is not an erasure request (that is Customer Redact)',
		skipReason:
			'customers/delete carries only the customer id; Klaviyo profiles are not deleted when a Shopify customer record is deleted — ' +
			'erasure happens on customers/redact (privacy request)',
	},
	{ topic: 'customers_email_marketing_consent/update', name: 'Customer Email Marketing Consent Updated', mapped: true },
	{ topic: 'customers_marketing_consent/update', name: 'Customer Marketing Consent Updated', mapped: true },
	{
		topic: 'customers/redact',
		name: 'Customer Redact (Compliance)',
		mapped: true,
		compliance: true,
		description:
			'Mandatory compliance topic. Configure it in the Partner dashboard or your app configuration (compliance_topics), not via the API: the trigger skips it when registering webhooks, but accepts its deliveries.',
	},
	{ topic: 'customers/update', name: 'Customer Updated', mapped: true },
	{ topic: 'orders/cancelled', name: 'Order Cancelled', mapped: true },
	{ topic: 'orders/create', name: 'Order Created', mapped: true },
	{ topic: 'orders/fulfilled', name: 'Order Fulfilled', mapped: true },
	{
		topic: 'orders/paid',
		name: 'Order Paid',
		mapped: false,
		description: 'Not mapped to Klaviyo: the Placed Order event is sent from Order Created',
		skipReason: 'orders/paid is not mapped to Klaviyo: the Placed Order event is sent from orders/create',
	},
	{ topic: 'orders/updated', name: 'Order Updated', mapped: true },
	{ topic: 'refunds/create', name: 'Refund Created', mapped: true },
] as const satisfies readonly ShopifyTopic[];

type TopicRow = (typeof SHOPIFY_TOPICS)[number];

/** A topic the mapper turns into Klaviyo requests. */
export type MappedTopic = Extract<TopicRow, { mapped: true }>['topic'];

/** A topic the trigger offers but the mapper does not send to Klaviyo. */
export type UnmappedTopic = Extract<TopicRow, { mapped: false }>['topic'];

export const ALL_TOPICS: readonly string[] = SHOPIFY_TOPICS.map((t) => t.topic);

export const MAPPED_TOPICS: readonly MappedTopic[] = SHOPIFY_TOPICS.filter(
	(t): t is Extract<TopicRow, { mapped: true }> => t.mapped,
).map((t) => t.topic);

/** Why the mapper skips each topic the trigger offers but the mapper does not send to Klaviyo. */
export const UNMAPPED_REASONS = Object.fromEntries(
	SHOPIFY_TOPICS.filter((t): t is Extract<TopicRow, { mapped: false }> => !t.mapped).map((t) => [t.topic, t.skipReason]),
) as Record<UnmappedTopic, string>;

/** What the trigger subscribes to unless the user picks otherwise: exactly the mapped topics. */
export const DEFAULT_TRIGGER_TOPICS: readonly string[] = MAPPED_TOPICS;
