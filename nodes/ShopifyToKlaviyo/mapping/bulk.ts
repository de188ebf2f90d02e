/**
 * Big orders: their Ordered Product events go to Klaviyo in bulk jobs
 * (POST /api/event-bulk-create-jobs, ≤ 1 000 events each) instead of one POST /api/events per
 * line. Each bulk event is exactly the single event converted (same properties, time, value,
 * value_currency, unique_id, metric and profile): Klaviyo de-duplicates them the same way, so a
 * re-delivery sent either way is recorded once.
 */
import { eventJobBody, MAX_EVENTS_PER_BULK_JOB, planEventJobs, toBulkEvent } from '../../shared/klaviyoBodies';
import type { KlaviyoRequestItem } from '../../shared/contract';
import type { MapContext } from './context';

/**
 * `events` (single event.create requests) as they are, or — when there are more than the
 * Bulk Ordered Product threshold — as bulk.createEvents requests of at most 1 000 events.
 * `label` names them in summaries, e.g. "Ordered Product #1001".
 */
export function inBulkWhenMany(events: KlaviyoRequestItem[], ctx: MapContext, label: string): KlaviyoRequestItem[] {
	if (events.length <= ctx.options.bulkOrderedProductAbove) return events;
	const entries = events.map((request, index) => {
		const entry = toBulkEvent(request.body, false);
		// eventBody() always builds an event body; anything else is a bug in the mapper itself.
		if (!entry) throw new Error(`${label}: request ${index + 1} is not an event body`);
		return { index, ...entry };
	});
	const { jobs } = planEventJobs(entries, MAX_EVENTS_PER_BULK_JOB);
	return jobs.map((job) => {
		const first = job[0].index + 1;
		const last = job[job.length - 1].index + 1;
		return ctx.request(
			'bulk.createEvents',
			eventJobBody(job),
			`${label} lines ${first}–${last} of ${events.length} (bulk, ${job.length} events)`,
		);
	});
}
