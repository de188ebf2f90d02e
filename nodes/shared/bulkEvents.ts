/**
 * The Klaviyo bulk-event wire format, in one place: turn single-event bodies (EventCreateQueryV2,
 * POST /api/events) into EventsBulkCreateJob bodies (POST /api/event-bulk-create-jobs), in jobs of
 * at most 1 000 events that never hold the same unique_id twice. Pure, no n8n imports: used by the
 * mapper (big orders' Ordered Product events) and by the Klaviyo node (Bulk → Create Events).
 */

export type JsonObject = Record<string, unknown>;

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
