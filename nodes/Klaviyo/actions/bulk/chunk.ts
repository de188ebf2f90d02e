import type { IDataObject } from 'n8n-workflow';

/** Pure helpers for bulk jobs: turn single-event bodies into bulk job bodies, in bounded chunks. */

export interface BulkEventEntry {
	/** Input item index */
	index: number;
	/** OnsiteProfileCreateQueryResourceObject */
	profile: IDataObject;
	/** BaseEventCreateQueryBulkEntryResourceObject */
	event: IDataObject;
	uniqueId?: string;
}

function asObject(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

/**
 * EventCreateQueryV2 → one bulk entry. Returns undefined when the body is not an event body.
 * The event-level profile's attributes.meta moves to the profile resource's meta (where the bulk
 * schema OnsiteProfileCreateQueryResourceObject expects it).
 */
export function toBulkEntry(index: number, body: IDataObject, backfill: boolean): BulkEventEntry | undefined {
	const data = asObject(body.data);
	const attributes = asObject(data?.attributes);
	const profileData = asObject(asObject(attributes?.profile)?.data);
	if (!data || data.type !== 'event' || !attributes || !profileData) return undefined;
	const eventAttributes = JSON.parse(JSON.stringify(attributes)) as IDataObject;
	delete eventAttributes.profile;
	if (backfill) eventAttributes.backfill = true;
	const profile = JSON.parse(JSON.stringify(profileData)) as IDataObject;
	const profileAttributes = asObject(profile.attributes) ?? {};
	if (profileAttributes.meta !== undefined) {
		if (profileAttributes.meta !== null) profile.meta = profileAttributes.meta;
		delete profileAttributes.meta;
	}
	profile.attributes = profileAttributes;
	const uniqueId = typeof eventAttributes.unique_id === 'string' ? eventAttributes.unique_id : undefined;
	return { index, profile, event: { type: 'event', attributes: eventAttributes }, uniqueId };
}

export interface EventJobPlan {
	jobs: BulkEventEntry[][];
	/** Notes per input item index (e.g. deferral because of a duplicate unique_id) */
	notes: Map<number, string[]>;
}

/**
 * Split entries into jobs of at most `maxPerJob` events such that no job holds the same unique_id
 * twice. Input order is kept; an event whose unique_id already sits in the current job is DEFERRED
 * to the first later job that does not hold that unique_id (never dropped): Klaviyo itself keeps one
 * event per profile + metric + unique_id, so sending the duplicate in a later job behaves exactly as
 * if the two deliveries had been sent one by one — typically a Shopify re-delivery that Klaviyo
 * deduplicates.
 */
export function planEventJobs(entries: BulkEventEntry[], maxPerJob: number): EventJobPlan {
	const cap = Math.max(1, Math.floor(maxPerJob));
	const jobs: BulkEventEntry[][] = [];
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

function profileKey(profile: IDataObject): string {
	const attributes = asObject(profile.attributes) ?? {};
	return JSON.stringify([profile.id ?? null, ...IDENTIFIER_KEYS.map((k) => attributes[k] ?? null)]);
}

/** EventsBulkCreateJob body for one job: events grouped by profile identity. */
export function eventJobBody(entries: BulkEventEntry[]): IDataObject {
	const groups = new Map<string, { profile: IDataObject; events: IDataObject[] }>();
	for (const entry of entries) {
		const key = profileKey(entry.profile);
		const group = groups.get(key);
		if (!group) {
			groups.set(key, { profile: JSON.parse(JSON.stringify(entry.profile)) as IDataObject, events: [entry.event] });
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

/** Split into chunks of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
	const cap = Math.max(1, Math.floor(size));
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += cap) out.push(items.slice(i, i + cap));
	return out;
}
