/**
 * The Klaviyo request bodies, in one place: every body the mapper and the Klaviyo node send is
 * built here, by one pure function per kind (no n8n imports):
 *
 *   profileImportBody     POST /api/profile-import                        ProfileUpsertQuery
 *   eventBody             POST /api/events                                EventCreateQueryV2
 *   eventJobBody          POST /api/event-bulk-create-jobs                EventsBulkCreateJob
 *   profileImportJobBody  POST /api/profile-bulk-import-jobs              ProfileImportJobCreateQuery
 *   subscriptionJobBody   POST /api/profile-subscription-bulk-create-jobs SubscriptionCreateJobCreateQuery
 *                         POST /api/profile-subscription-bulk-delete-jobs SubscriptionDeleteJobCreateQuery
 *   deletionJobBody       POST /api/data-privacy-deletion-jobs            DataPrivacyCreateDeletionJobQuery
 *
 * Bulk events: single-event bodies become bulk entries (toBulkEvent) planned into jobs of at most
 * 1 000 events that never hold the same unique_id twice (planEventJobs). Used by the mapper (big
 * orders' Ordered Product events) and by the Klaviyo node (Bulk → Create Events).
 */

export type JsonObject = Record<string, unknown>;

/**
 * The keys whose value says something: undefined, null and '' are left out. A field Shopify or the
 * user does not supply is omitted, never sent empty: Klaviyo clears a profile field sent as null.
 */
export function compact<T extends JsonObject>(object: T): T {
	const out: JsonObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (value !== undefined && value !== null && value !== '') out[key] = value;
	}
	return out as T;
}

/** A profile resource (ProfileUpsertQueryResourceObject): identifiers, fields, location, properties. */
export function profileResource(attributes: JsonObject): JsonObject {
	return { type: 'profile', attributes };
}

/** POST /api/profile-import (ProfileUpsertQuery): create the profile or update the one with its identifiers. */
export function profileImportBody(attributes: JsonObject): JsonObject {
	return { data: profileResource(attributes) };
}

/** POST /api/profile-bulk-import-jobs (ProfileImportJobCreateQuery): profile resources, optionally added to a list. */
export function profileImportJobBody(profiles: JsonObject[], listId?: string): JsonObject {
	const data: JsonObject = { type: 'profile-bulk-import-job', attributes: { profiles: { data: profiles } } };
	if (listId) data.relationships = { lists: { data: [{ type: 'list', id: listId }] } };
	return { data };
}

export interface EventFields {
	/** The metric's name, e.g. "Placed Order" */
	metric: string;
	properties: JsonObject;
	/** The profile's attributes: at least one identifier */
	profile: JsonObject;
	/** ISO 8601; omitted → Klaviyo uses the time it received the event */
	time?: string;
	value?: number;
	valueCurrency?: string;
	/** Klaviyo keeps one event per profile, metric and unique_id */
	uniqueId?: string;
}

/** POST /api/events (EventCreateQueryV2). */
export function eventBody(event: EventFields): JsonObject {
	return {
		data: {
			type: 'event',
			attributes: compact({
				properties: event.properties,
				time: event.time,
				value: event.value,
				value_currency: event.valueCurrency,
				unique_id: event.uniqueId,
				metric: { data: { type: 'metric', attributes: { name: event.metric } } },
				profile: { data: { type: 'profile', attributes: event.profile } },
			}),
		},
	};
}

export interface SubscriptionJob {
	consent: 'SUBSCRIBED' | 'UNSUBSCRIBED';
	channel: 'email' | 'sms';
	/** The profile's identifier for the channel: { email } or { phone_number } */
	identifier: JsonObject;
	/** Subscribe only: when the consent was given (ISO 8601); needs historicalImport */
	consentedAt?: string;
	/** Subscribe only: where the consent came from */
	customSource?: string;
	/** Subscribe only: consent collected elsewhere before (no second double opt-in) */
	historicalImport?: boolean;
	/** The list to add the profile to / remove it from */
	listId?: string;
}

/**
 * POST /api/profile-subscription-bulk-create-jobs (SubscriptionCreateJobCreateQuery) for SUBSCRIBED,
 * POST /api/profile-subscription-bulk-delete-jobs (SubscriptionDeleteJobCreateQuery) for UNSUBSCRIBED.
 */
export function subscriptionJobBody(job: SubscriptionJob): JsonObject {
	const marketing = compact({ consent: job.consent, consented_at: job.consentedAt });
	const profiles = {
		data: [{ type: 'profile', attributes: { ...job.identifier, subscriptions: { [job.channel]: { marketing } } } }],
	};
	const subscribe = job.consent === 'SUBSCRIBED';
	const data: JsonObject = {
		type: subscribe ? 'profile-subscription-bulk-create-job' : 'profile-subscription-bulk-delete-job',
		attributes: subscribe
			? compact({ custom_source: job.customSource, profiles, historical_import: job.historicalImport || undefined })
			: { profiles },
	};
	if (job.listId) data.relationships = { list: { data: { type: 'list', id: job.listId } } };
	return { data };
}

/** The profile a deletion job names: by Klaviyo profile id, or by one identifier ({ email }, { phone_number }, { external_id }). */
export type DeletionTarget = { id: string } | JsonObject;

/** POST /api/data-privacy-deletion-jobs (DataPrivacyCreateDeletionJobQuery). */
export function deletionJobBody(target: DeletionTarget): JsonObject {
	const profile =
		typeof target.id === 'string' ? { type: 'profile', id: target.id, attributes: {} } : { type: 'profile', attributes: target };
	return { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: profile } } } };
}

/** Klaviyo: at most 1 000 events per event-bulk-create-job. */
export const MAX_EVENTS_PER_BULK_JOB = 1000;

export interface BulkEvent {
	/** OnsiteProfileCreateQueryResourceObject */
	profile: JsonObject;
	/** BaseEventCreateQueryBulkEntryResourceObject */
	event: JsonObject;
	uniqueId?: string;
}

function asObject(value: unknown): JsonObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function copy<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * EventCreateQueryV2 → one bulk entry. Returns undefined when the body is not an event body.
 * The event-level profile's attributes.meta moves to the profile resource's meta (where the bulk
 * schema OnsiteProfileCreateQueryResourceObject expects it). Everything else is kept as is: the
 * event's properties, time, value, value_currency, unique_id and metric.
 */
export function toBulkEvent(body: JsonObject, backfill: boolean): BulkEvent | undefined {
	const data = asObject(body.data);
	const attributes = asObject(data?.attributes);
	const profileData = asObject(asObject(attributes?.profile)?.data);
	if (!data || data.type !== 'event' || !attributes || !profileData) return undefined;
	const eventAttributes = copy(attributes);
	delete eventAttributes.profile;
	if (backfill) eventAttributes.backfill = true;
	const profile = copy(profileData);
	const profileAttributes = asObject(profile.attributes) ?? {};
	if (profileAttributes.meta !== undefined) {
		if (profileAttributes.meta !== null) profile.meta = profileAttributes.meta;
		delete profileAttributes.meta;
	}
	profile.attributes = profileAttributes;
	const uniqueId = typeof eventAttributes.unique_id === 'string' ? eventAttributes.unique_id : undefined;
	return { profile, event: { type: 'event', attributes: eventAttributes }, uniqueId };
}

export interface EventJobPlan<T> {
	jobs: T[][];
	/** Notes per entry index (e.g. deferral because of a duplicate unique_id) */
	notes: Map<number, string[]>;
}

/**
 * Split entries into jobs of at most `maxPerJob` events such that no job holds the same unique_id
 * twice. Input order is kept; an event whose unique_id already sits in the current job is DEFERRED
 * to the first later job that does not hold that unique_id (never dropped): Klaviyo itself keeps one
 * event per profile + metric + unique_id, so sending the duplicate in a later job behaves exactly as
 * if the two had been sent one by one — typically a Shopify re-delivery that Klaviyo deduplicates.
 */
export function planEventJobs<T extends { index: number; uniqueId?: string }>(entries: T[], maxPerJob: number): EventJobPlan<T> {
	const cap = Math.max(1, Math.floor(maxPerJob));
	const jobs: T[][] = [];
	const uids: Array<Set<string>> = [];
	const notes = new Map<number, string[]>();
	let firstOpen = 0;
	for (const entry of entries) {
		let j = firstOpen;
		for (; j < jobs.length; j++) {
			if (jobs[j].length >= cap) continue;
			if (entry.uniqueId !== undefined && uids[j].has(entry.uniqueId)) continue;
			break;
		}
		if (j === jobs.length) {
			jobs.push([]);
			uids.push(new Set());
		}
		const uid = entry.uniqueId;
		const holder = uid === undefined ? -1 : uids.findIndex((set, k) => k < j && set.has(uid));
		if (holder >= 0) {
			const list = notes.get(entry.index) ?? [];
			list.push(`unique_id ${uid} already in bulk job ${holder + 1}; sent in bulk job ${j + 1}`);
			notes.set(entry.index, list);
		}
		jobs[j].push(entry);
		if (entry.uniqueId !== undefined) uids[j].add(entry.uniqueId);
		while (firstOpen < jobs.length && jobs[firstOpen].length >= cap) firstOpen++;
	}
	return { jobs, notes };
}

const IDENTIFIER_KEYS = ['email', 'phone_number', 'external_id', 'anonymous_id', '_kx'];

function profileKey(profile: JsonObject): string {
	const attributes = asObject(profile.attributes) ?? {};
	return JSON.stringify([profile.id ?? null, ...IDENTIFIER_KEYS.map((k) => attributes[k] ?? null)]);
}

/** EventsBulkCreateJob body for one job: events grouped by profile identity. */
export function eventJobBody(entries: Array<Pick<BulkEvent, 'profile' | 'event'>>): JsonObject {
	const groups = new Map<string, { profile: JsonObject; events: JsonObject[] }>();
	for (const entry of entries) {
		const key = profileKey(entry.profile);
		const group = groups.get(key);
		if (!group) {
			groups.set(key, { profile: copy(entry.profile), events: [entry.event] });
			continue;
		}
		// Same person: later profile attributes complete earlier ones.
		const merged = asObject(group.profile.attributes) ?? {};
		group.profile.attributes = { ...merged, ...(asObject(entry.profile.attributes) ?? {}) };
		group.events.push(entry.event);
	}
	return {
		data: {
			type: 'event-bulk-create-job',
			attributes: {
				'events-bulk-create': {
					data: [...groups.values()].map((g) => ({
						type: 'event-bulk-create',
						attributes: { profile: { data: g.profile }, events: { data: g.events } },
					})),
				},
			},
		},
	};
}
