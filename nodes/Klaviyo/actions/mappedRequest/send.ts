import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { isKlaviyoOperation, KLAVIYO_OPERATIONS, MAX_EVENTS_PER_BULK_JOB } from '../../transport/endpoints';
import { credentialInfo } from '../../transport/request';
import type { PreparedRequest } from '../common';
import { getSettings, OutputCollector, passthroughOf, runPerItem, sendPerItem } from '../common';
import type { BulkEventEntry } from '../bulk/chunk';
import { toBulkEntry } from '../bulk/chunk';
import { sendEventJobs } from '../bulk/createEvents';
import { sendProfileJobs } from '../bulk/importProfiles';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Send',
	action: 'Send a mapped request',
	description: 'Send the request the Shopify to Klaviyo node produced (operation + body)',
};

export const description: INodeProperties[] = [
	{
		displayName:
			'Sends each input item as produced by the Shopify to Klaviyo node: <code>operation</code> picks the endpoint and <code>body</code> is sent as is. Items of a <b>backfill</b> (they carry <code>backfill</code>) go in bulk: events in event-bulk-create-jobs with <code>backfill: true</code> (no flows triggered), profiles in profile-bulk-import-jobs.',
		name: 'mappedNotice',
		type: 'notice',
		default: '',
	},
];

/** Profile import jobs of a backfill: status checked every 2 s, for at most 10 minutes. */
const BACKFILL_PROFILE_POLL_MS = 2000;
const BACKFILL_PROFILE_MAX_POLLS = 300;

const isBackfill = (json: IDataObject): boolean => !!json.backfill && typeof json.backfill === 'object';

function prepareOne(ctx: IExecuteFunctions, i: number, item: INodeExecutionData): PreparedRequest {
	const json = item.json ?? {};
	if (!isKlaviyoOperation(json.operation)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Input item has no valid "operation" (got ${JSON.stringify(json.operation)}); expected one of ${KLAVIYO_OPERATIONS.join(', ')}`,
			{ itemIndex: i },
		);
	}
	if (!json.body || typeof json.body !== 'object' || Array.isArray(json.body)) {
		throw new NodeOperationError(ctx.getNode(), 'Input item has no "body" object', { itemIndex: i });
	}
	return { operation: json.operation, body: json.body as IDataObject, passthrough: passthroughOf(json) };
}

/**
 * One request per item: item.json.operation → method + path (transport table), item.json.body as body.
 * Backfill items (history imported through the same mapper): their events are sent together in
 * event-bulk-create-jobs (≤ 1 000 per job, `backfill: true`, never one unique_id twice in a job — the
 * unique_ids are the live path's, so history overlapping live traffic is kept once), their profiles in
 * profile-bulk-import-jobs (waited for, rejected profiles dead-lettered); consent requests are already
 * subscription jobs (with historical_import and the past consented_at) and are sent as they are.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const bulkEvents: number[] = [];
	const bulkProfiles: number[] = [];
	const single: number[] = [];
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json ?? {};
		const body = json.body as IDataObject | undefined;
		if (isBackfill(json) && body && typeof body === 'object' && json.operation === 'event.create') bulkEvents.push(i);
		else if (isBackfill(json) && body && typeof body === 'object' && json.operation === 'profile.upsert') bulkProfiles.push(i);
		else single.push(i);
	}
	const prepare = (i: number, item: INodeExecutionData) => prepareOne(this, i, item);
	if (bulkEvents.length === 0 && bulkProfiles.length === 0) return await runPerItem(this, prepare);

	const settings = getSettings(this);
	const { secrets } = await credentialInfo(this);
	const out = new OutputCollector(this, secrets);
	const entries: BulkEventEntry[] = [];
	const originals = new Map<number, IDataObject>();
	for (const i of bulkEvents) {
		const body = items[i].json.body as IDataObject;
		const entry = toBulkEntry(i, body, true);
		if (entry) {
			entries.push(entry);
			originals.set(i, body);
		} else single.push(i); // not an EventCreateQueryV2: sent (and failed, if it is wrong) as it is
	}
	const profiles: Array<{ index: number; resource: IDataObject }> = [];
	for (const i of bulkProfiles) {
		const data = (items[i].json.body as IDataObject).data as IDataObject | undefined;
		if (data && typeof data === 'object' && data.type === 'profile') profiles.push({ index: i, resource: data });
		else single.push(i);
	}
	await sendEventJobs(this, items, entries, originals, MAX_EVENTS_PER_BULK_JOB, settings, out, true);
	if (profiles.length > 0) {
		await sendProfileJobs(
			this,
			items,
			profiles,
			{ listId: '', perJob: 10_000, wait: true, pollMs: BACKFILL_PROFILE_POLL_MS, maxPolls: BACKFILL_PROFILE_MAX_POLLS },
			settings,
			out,
		);
	}
	if (single.length > 0) await sendPerItem(this, items, single.sort((a, b) => a - b), prepare, settings, out);
	return out.finish();
}
