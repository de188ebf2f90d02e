/**
 * The shapes that travel between our three nodes. One name per concept:
 *
 *   Shopify delivery ──► ShopifyDeliveryItem ──► (mapper) ──► KlaviyoRequestItem | SkippedItem
 *                                                                  │
 *                                          (Klaviyo node) ──► KlaviyoResultItem | DeadLetterItem
 *
 * Pure types, no n8n imports: usable from mapping/ and transport/ alike.
 */

/** What the Shopify Webhook Trigger emits: one item per verified delivery. */
export interface ShopifyDeliveryItem {
	/** e.g. "orders/create" (X-Shopify-Topic) */
	topic: string;
	/** e.g. "my-store.myshopify.com" (X-Shopify-Shop-Domain) */
	shop: string;
	/** e.g. "2026-10" (X-Shopify-API-Version) */
	apiVersion: string;
	/** X-Shopify-Webhook-Id: unique per delivery attempt series */
	webhookId: string;
	/** X-Shopify-Event-Id: the same across re-deliveries and across subscriptions of one event */
	eventId: string;
	/** X-Shopify-Triggered-At (ISO 8601) */
	triggeredAt: string;
	/** `${shop}:${topic}:${eventId || webhookId}` — stable across Shopify's re-deliveries */
	idempotencyKey: string;
	/** When our trigger received it (ISO 8601) */
	receivedAt: string;
	/** The parsed JSON body; integers above 2^53 are kept as strings */
	payload: Record<string, unknown>;
}

/** Operations the Klaviyo node can send; the mapper produces these. */
export type KlaviyoOperation =
	/** POST /api/profile-import — body: ProfileUpsertQuery */
	| 'profile.upsert'
	/** POST /api/events — body: EventCreateQueryV2 */
	| 'event.create'
	/** POST /api/profile-subscription-bulk-create-jobs — body: SubscriptionCreateJobCreateQuery */
	| 'subscription.subscribe'
	/** POST /api/profile-subscription-bulk-delete-jobs — body: SubscriptionDeleteJobCreateQuery */
	| 'subscription.unsubscribe'
	/** POST /api/data-privacy-deletion-jobs — body: DataPrivacyCreateDeletionJobQuery */
	| 'dataPrivacy.deleteProfile'
	/**
	 * Delete the profile(s) holding an external_id. Body: a DataPrivacyCreateDeletionJobQuery whose
	 * profile is `{ type: 'profile', attributes: { external_id } }`. Klaviyo's deletion jobs take only
	 * an email, phone or profile id, so the Klaviyo node first looks the profile up
	 * (GET /api/profiles?filter=equals(external_id,"…")) and sends the job with its id; no profile →
	 * success, nothing to delete.
	 */
	| 'dataPrivacy.deleteProfileByExternalId'
	/** POST /api/event-bulk-create-jobs — body: EventsBulkCreateJob */
	| 'bulk.createEvents'
	/** POST /api/profile-bulk-import-jobs — body: ProfileImportJobCreateQuery */
	| 'bulk.importProfiles';

/** Mapper output (main output): one ready-to-send Klaviyo request. */
export interface KlaviyoRequestItem {
	operation: KlaviyoOperation;
	/** The JSON:API request body exactly as it will be sent */
	body: Record<string, unknown>;
	/** Human-readable, without PII, e.g. "Placed Order #1001" */
	summary: string;
	/** Carried from the delivery, for the dead-letter queue and replay */
	topic: string;
	idempotencyKey: string;
	shop?: string;
	/** Notes about data the mapper dropped or normalised (e.g. an invalid phone) */
	notes?: string[];
}

/** Mapper output "Skipped": nothing to send for this delivery, and why. Never a silent drop. */
export interface SkippedItem {
	skipped: true;
	reason: string;
	topic: string;
	idempotencyKey: string;
	shop?: string;
}

/**
 * Mapper output "Invalid": Shopify sent a field we cannot map. Not a crash and never a silent drop:
 * the whole delivery and the field travel on, to the dead-letter queue (fix it there, then replay).
 * (`reason`, not `error`: n8n 2.41 replaces an output item that has a top-level `error` by its message.)
 */
export interface InvalidDeliveryItem {
	invalid: true;
	/** e.g. "orders/create payload: line_items[0].quantity is not a whole number" */
	reason: string;
	/** e.g. "line_items[0].quantity" */
	field: string;
	topic: string;
	idempotencyKey: string;
	shop?: string;
	/** The delivery exactly as the mapper received it (the trigger's item), ready to replay */
	delivery: Record<string, unknown>;
}

/**
 * Mapper output "Object State": which Shopify object a mapped delivery describes and how new it is.
 * Exactly the columns of the `shopify_object_state` Data Table (see nodes/shared/objectState.ts).
 */
export interface ObjectStateItem {
	objectKey: string;
	/** (not `updatedAt`: n8n reserves that column name in Data Tables) */
	objectUpdatedAtMs: number;
	objectUpdatedAt: string;
	topic: string;
	idempotencyKey: string;
	receivedAt: string;
}

/** Klaviyo node success output. */
export interface KlaviyoResultItem {
	operation: KlaviyoOperation;
	status: number;
	/** How many HTTP attempts were made (1 = first try succeeded) */
	attempts: number;
	/** Total time spent waiting between attempts, in ms */
	totalWaitMs: number;
	/**
	 * The resource Klaviyo's answer names — `{ type, id }` (or a list of them), never its
	 * attributes: successful executions are saved, and should hold no customer data. Absent when
	 * Klaviyo answered without a resource (e.g. 202 with an empty body).
	 */
	response?: { type: string; id: string } | Array<{ type: string; id: string }>;
	summary?: string;
	topic?: string;
	idempotencyKey?: string;
	notes?: string[];
}

/**
 * Klaviyo node error output ("continue using error output"): everything needed to replay.
 * On the wire the item's json is `{ error, details }` (details = this minus `error`): n8n 2.41 routes
 * such an item to the error output intact and merges it over the input item it came from, whereas an
 * item with a top-level `error` property would have its json replaced by `{ error: message }`.
 */
export interface DeadLetterItem {
	operation: KlaviyoOperation;
	body: Record<string, unknown>;
	topic?: string;
	idempotencyKey?: string;
	summary?: string;
	attempts: number;
	error: {
		message: string;
		status?: number;
		code?: string;
		detail?: string;
		pointer?: string;
		hint?: string;
	};
}
