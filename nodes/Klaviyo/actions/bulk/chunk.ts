import type { IDataObject } from 'n8n-workflow';
import type { EventJobPlan } from '../../../shared/klaviyoBodies';
import * as bulk from '../../../shared/klaviyoBodies';

/**
 * Bulk jobs for the Klaviyo node: the wire format lives in nodes/shared/klaviyoBodies.ts (shared with
 * the mapper); this adds the input item index and n8n's IDataObject typing.
 */

export interface BulkEventEntry {
	/** Input item index */
	index: number;
	/** OnsiteProfileCreateQueryResourceObject */
	profile: IDataObject;
	/** BaseEventCreateQueryBulkEntryResourceObject */
	event: IDataObject;
	uniqueId?: string;
}

/** EventCreateQueryV2 → one bulk entry (see toBulkEvent); undefined when the body is not an event body. */
export function toBulkEntry(index: number, body: IDataObject, backfill: boolean): BulkEventEntry | undefined {
	const converted = bulk.toBulkEvent(body, backfill);
	if (!converted) return undefined;
	return {
		index,
		profile: converted.profile as IDataObject,
		event: converted.event as IDataObject,
		uniqueId: converted.uniqueId,
	};
}

/** Jobs of at most `maxPerJob` events, never the same unique_id twice in one job (see shared planEventJobs). */
export function planEventJobs(entries: BulkEventEntry[], maxPerJob: number): EventJobPlan<BulkEventEntry> {
	return bulk.planEventJobs(entries, maxPerJob);
}

/** EventsBulkCreateJob body for one job: events grouped by profile identity. */
export function eventJobBody(entries: BulkEventEntry[]): IDataObject {
	return bulk.eventJobBody(entries) as IDataObject;
}

/** Split into chunks of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
	const cap = Math.max(1, Math.floor(size));
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += cap) out.push(items.slice(i, i + cap));
	return out;
}
