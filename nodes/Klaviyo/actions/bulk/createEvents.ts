import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { KlaviyoOperation } from '../../../shared/contract';
import { MAX_EVENTS_PER_BULK_JOB } from '../../transport/endpoints';
import { sendOperation } from '../../transport/send';
import type { NodeSettings, OutputCollector } from '../common';
import { deadLetter, passthroughOf, resultItem } from '../common';
import { notTheMappedRequest, prepareEach, sourceParameter, startBulkRun } from './input';
import { buildEventBody, eventFields } from '../fields';
import type { BulkEventEntry } from './chunk';
import { eventJobBody, planEventJobs, toBulkEntry } from './chunk';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Create Events in Bulk',
	action: 'Create events in bulk',
	description: 'Send all input events in bulk jobs of up to 1000 events',
};

export const description: INodeProperties[] = [
	sourceParameter('event', 'event.create'),
	...eventFields({ show: { source: ['fields'] } }),
	{
		displayName: 'Backfill',
		name: 'backfill',
		type: 'boolean',
		default: false,
		description: 'Whether to record the events without triggering flows (for historical imports)',
	},
	{
		displayName: 'Events per Job',
		name: 'eventsPerJob',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_EVENTS_PER_BULK_JOB },
		default: MAX_EVENTS_PER_BULK_JOB,
		description: 'At most 1000 events per bulk job (Klaviyo limit)',
	},
];

/**
 * POST /api/event-bulk-create-jobs: all input items' events, grouped by profile, ≤ 1000 events per
 * job, never the same unique_id twice in one job (see planEventJobs). One output item per input item,
 * carrying the result of the job it was sent in.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const run = await startBulkRun(this);
	const { items, settings, out, source } = run;
	const backfill = this.getNodeParameter('backfill', 0, false) as boolean;
	const perJob = Math.min(
		MAX_EVENTS_PER_BULK_JOB,
		Math.max(1, this.getNodeParameter('eventsPerJob', 0, MAX_EVENTS_PER_BULK_JOB) as number),
	);

	const entries: BulkEventEntry[] = [];
	const originals = new Map<number, IDataObject>();
	prepareEach(this, run, 'event.create', (i, json) => {
		let body: IDataObject;
		if (source === 'fields') {
			body = buildEventBody(this, i);
		} else {
			if (json.operation !== 'event.create' || !json.body || typeof json.body !== 'object') {
				throw notTheMappedRequest(this, json, i, 'event.create');
			}
			body = json.body as IDataObject;
		}
		const entry = toBulkEntry(i, body, backfill);
		if (!entry) {
			throw new NodeOperationError(this.getNode(), 'Event body is not an EventCreateQueryV2 (data.type "event" with a profile)', {
				itemIndex: i,
			});
		}
		originals.set(i, body);
		entries.push(entry);
	});

	await sendEventJobs(this, items, entries, originals, perJob, settings, out, backfill);
	return out.finish();
}

/**
 * Send prepared bulk entries as event-bulk-create-jobs (≤ perJob events, never one unique_id twice in
 * a job), one after another (the endpoint allows only 10/s, 150/min anyway). Each entry's input item
 * gets the result of its job: success, or a dead letter carrying the item's own event, replayable
 * through Mapped Request → Send — for a backfill (`backfill`) a one-event bulk job, so the replay keeps
 * backfill: true (a single event would trigger flows). Used by Bulk → Create Events and by Send Mapped
 * Request for backfill items.
 */
export async function sendEventJobs(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	entries: BulkEventEntry[],
	originals: Map<number, IDataObject>,
	perJob: number,
	settings: NodeSettings,
	out: OutputCollector,
	backfill = false,
): Promise<void> {
	const plan = planEventJobs(entries, perJob);
	const operation: KlaviyoOperation = 'bulk.createEvents';
	for (let j = 0; j < plan.jobs.length; j++) {
		const job = plan.jobs[j];
		const body = eventJobBody(job);
		const result = await sendOperation(ctx, operation, body, settings);
		const jobNote = `bulk job ${j + 1}/${plan.jobs.length} (${job.length} events)`;
		for (const entry of job) {
			const passthrough = passthroughOf(items[entry.index].json ?? {});
			const notes = [jobNote, ...(plan.notes.get(entry.index) ?? [])];
			if (result.ok) {
				out.success(entry.index, resultItem({ operation, body, passthrough }, result, notes));
			} else {
				out.failure(
					entry.index,
					deadLetter(
						backfill
							? { operation, body: eventJobBody([entry]), passthrough }
							: { operation: 'event.create', body: originals.get(entry.index) ?? {}, passthrough },
						result.error,
						result.attempts,
						[...notes, ...result.notes],
					),
				);
			}
		}
	}
}
