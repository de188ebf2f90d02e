import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { KlaviyoOperation } from '../../../shared/contract';
import { fillPath, MAX_PROFILES_PER_IMPORT_JOB } from '../../transport/endpoints';
import { sendOperation, sendRequest } from '../../transport/send';
import { deadLetter, passthroughOf, resultItem } from '../common';
import { notTheMappedRequest, prepareEach, sourceParameter, startBulkRun } from './input';
import { buildProfileAttributes, profileFields } from '../fields';
import { profileImportJobBody, profileResource } from '../../../shared/klaviyoBodies';
import { chunk } from './chunk';
import type { ImportError } from './importErrors';
import { attributeImportErrors, parseImportErrorsPage, singleProfilePointer } from './importErrors';
import type { FailureInfo } from '../../transport/errors';
import { fieldFromPointer } from '../../transport/errors';
import type { NodeSettings, OutputCollector } from '../common';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Import Profiles in Bulk',
	action: 'Import profiles in bulk',
	description: 'Import all input profiles in jobs of up to 10 000 profiles',
};

export const description: INodeProperties[] = [
	sourceParameter('profile', 'profile.upsert'),
	...profileFields({ show: { source: ['fields'] } }),
	{
		displayName: 'List ID',
		name: 'listId',
		type: 'string',
		default: '',
		description: 'Optional list to add the imported profiles to',
	},
	{
		displayName: 'Profiles per Job',
		name: 'profilesPerJob',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_PROFILES_PER_IMPORT_JOB },
		default: MAX_PROFILES_PER_IMPORT_JOB,
		description: 'At most 10 000 profiles per import job (Klaviyo limit)',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to poll each job until it is complete or cancelled. Profiles a completed job rejected (its import errors) then go to the error output, the others succeed. Needs the profiles:read and lists:read scopes.',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Max Polls',
		name: 'maxPolls',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 60,
		description: 'Stop polling after this many status checks and report the job as still running',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
];

const FINAL_STATUSES = new Set(['complete', 'failed', 'cancelled']);

/** Import errors are read 100 per page (Klaviyo's maximum), at most this many pages per job. */
const IMPORT_ERRORS_PAGE_SIZE = 100;
const MAX_IMPORT_ERROR_PAGES = 101;

/**
 * GET /api/profile-bulk-import-jobs/{id}/import-errors, every page. `complete: false` when a page
 * could not be read (the reason is in `problem`).
 */
async function fetchImportErrors(
	ctx: IExecuteFunctions,
	jobId: string,
	settings: NodeSettings,
): Promise<{ errors: ImportError[]; complete: boolean; problem?: string; attempts: number; totalWaitMs: number }> {
	const errors: ImportError[] = [];
	let attempts = 0;
	let totalWaitMs = 0;
	let cursor: string | undefined;
	for (let page = 0; page < MAX_IMPORT_ERROR_PAGES; page++) {
		const qs: IDataObject = { 'page[size]': IMPORT_ERRORS_PAGE_SIZE };
		if (cursor) qs['page[cursor]'] = cursor;
		const result = await sendRequest(
			ctx,
			{
				method: 'GET',
				path: fillPath('/api/profile-bulk-import-jobs/{id}/import-errors', { id: jobId }),
				endpoint: 'GET /api/profile-bulk-import-jobs/{id}/import-errors',
				qs,
			},
			settings,
		);
		attempts += result.attempts;
		totalWaitMs += result.totalWaitMs;
		if (!result.ok) {
			const hint = result.error.hint ? ` (${result.error.hint})` : '';
			return { errors, complete: false, problem: `reading its import errors failed: ${result.error.message}${hint}`, attempts, totalWaitMs };
		}
		const parsed = parseImportErrorsPage(result.response);
		errors.push(...parsed.errors);
		if (!parsed.nextCursor) return { errors, complete: true, attempts, totalWaitMs };
		cursor = parsed.nextCursor;
	}
	return { errors, complete: false, problem: `more than ${MAX_IMPORT_ERROR_PAGES} pages of import errors`, attempts, totalWaitMs };
}

/** The dead-letter error of one profile Klaviyo's import job rejected: names the field. */
function importFailure(jobId: string, error: ImportError): FailureInfo {
	const pointer = singleProfilePointer(error.pointer);
	const field = fieldFromPointer(pointer);
	const detail = error.detail ?? error.title;
	const info: FailureInfo = {
		message: `Klaviyo profile import job ${jobId} rejected this profile${field ? ` (field "${field}")` : ''}${detail ? `: ${detail}` : ''}`,
		hint: field ? `Klaviyo rejected the field "${field}"` : 'Klaviyo rejected the profile',
	};
	if (error.code) info.code = error.code;
	if (detail) info.detail = detail;
	if (pointer) info.pointer = pointer;
	return info;
}

function jobAttributes(response: unknown): IDataObject {
	const data = (response as { data?: { attributes?: IDataObject } } | undefined)?.data;
	return data?.attributes ?? {};
}

/**
 * POST /api/profile-bulk-import-jobs with ≤ 10 000 profiles per job, then (optionally) poll
 * GET /api/profile-bulk-import-jobs/{job_id} until complete / failed / cancelled, sleeping between
 * polls, at most Max Polls times. A job that completes with failed_count > 0: its import errors
 * (GET …/{id}/import-errors, every page) say which profiles were rejected; exactly those go to the
 * error output as single-profile dead letters naming the field, the rest succeed.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const run = await startBulkRun(this);
	const { items, settings, out, source } = run;
	const listId = (this.getNodeParameter('listId', 0, '') as string).trim();
	const perJob = Math.min(
		MAX_PROFILES_PER_IMPORT_JOB,
		Math.max(1, this.getNodeParameter('profilesPerJob', 0, MAX_PROFILES_PER_IMPORT_JOB) as number),
	);
	const wait = this.getNodeParameter('waitForCompletion', 0, true) as boolean;
	const pollMs = Math.max(1, this.getNodeParameter('pollInterval', 0, 10) as number) * 1000;
	const maxPolls = Math.max(1, this.getNodeParameter('maxPolls', 0, 60) as number);

	const profiles: Array<{ index: number; resource: IDataObject }> = [];
	prepareEach(this, run, 'profile.upsert', (i, json) => {
		if (source === 'fields') {
			profiles.push({ index: i, resource: profileResource(buildProfileAttributes(this, i)) as IDataObject });
			return;
		}
		const data = (json.body as IDataObject | undefined)?.data as IDataObject | undefined;
		if (json.operation !== 'profile.upsert' || !data || data.type !== 'profile') {
			throw notTheMappedRequest(this, json, i, 'profile.upsert');
		}
		profiles.push({ index: i, resource: data });
	});

	await sendProfileJobs(this, items, profiles, { listId, perJob, wait, pollMs, maxPolls }, settings, out);
	return out.finish();
}

export interface ProfileJobOptions {
	listId: string;
	perJob: number;
	wait: boolean;
	pollMs: number;
	maxPolls: number;
}

/**
 * Send profiles as profile-bulk-import-jobs (≤ perJob each) and, with `wait`, poll each job and
 * dead-letter exactly the profiles its import errors name. Used by Bulk → Import Profiles and by Send
 * Mapped Request for backfill items.
 */
export async function sendProfileJobs(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	profiles: Array<{ index: number; resource: IDataObject }>,
	{ listId, perJob, wait, pollMs, maxPolls }: ProfileJobOptions,
	settings: NodeSettings,
	out: OutputCollector,
): Promise<void> {
	const operation: KlaviyoOperation = 'bulk.importProfiles';
	const jobs = chunk(profiles, perJob);
	for (let j = 0; j < jobs.length; j++) {
		const job = jobs[j];
		const body = profileImportJobBody(
			job.map((p) => p.resource),
			listId,
		) as IDataObject;
		const result = await sendOperation(ctx, operation, body, settings);
		const notes = [`import job ${j + 1}/${jobs.length} (${job.length} profiles)`];
		let finalResult = result;
		let failedStatus: string | undefined;
		/** Profiles of this job (by position) that Klaviyo's import errors name */
		const rejected = new Map<number, FailureInfo>();
		/** Set when Klaviyo reported more failures than its import errors identify */
		let unknownFailure: FailureInfo | undefined;
		if (result.ok) {
			const jobId = (result.response as { data?: { id?: string } } | undefined)?.data?.id;
			let status = String(jobAttributes(result.response).status ?? '');
			if (wait && jobId && !FINAL_STATUSES.has(status)) {
				let polls = 0;
				let attempts = result.attempts;
				let totalWaitMs = result.totalWaitMs;
				let response: unknown = result.response;
				while (polls < maxPolls && !FINAL_STATUSES.has(status)) {
					await settings.sleep(pollMs);
					totalWaitMs += pollMs;
					polls++;
					const poll = await sendRequest(
						ctx,
						{
							method: 'GET',
							path: fillPath('/api/profile-bulk-import-jobs/{job_id}', { job_id: jobId }),
							endpoint: 'GET /api/profile-bulk-import-jobs/{job_id}',
						},
						settings,
					);
					attempts += poll.attempts;
					totalWaitMs += poll.totalWaitMs;
					if (!poll.ok) {
						notes.push(`status check of job ${jobId} failed: ${poll.error.message}; the job was accepted`);
						break;
					}
					response = poll.response;
					status = String(jobAttributes(response).status ?? '');
				}
				if (!FINAL_STATUSES.has(status)) {
					notes.push(`job ${jobId} still ${status || 'running'} after ${polls} status checks`);
				}
				finalResult = { ...result, attempts, totalWaitMs, response };
			}
			const attrs = jobAttributes(finalResult.ok ? finalResult.response : undefined);
			if (jobId) {
				notes.push(
					`job ${jobId}: ${status || 'accepted'}` +
						(attrs.total_count !== undefined
							? ` (${attrs.completed_count ?? 0}/${attrs.total_count} completed, ${attrs.failed_count ?? 0} failed)`
							: ''),
				);
			}
			if (status === 'failed' || status === 'cancelled') failedStatus = status;
			// Partial failure: the job completed, but some profiles were rejected. Those (and only those)
			// go to the error output; when Klaviyo does not say which they are, every profile it might be
			// does (a replay of a profile that was imported is a harmless upsert).
			const failedCount = Number(attrs.failed_count ?? 0);
			if (!failedStatus && jobId && FINAL_STATUSES.has(status) && failedCount > 0) {
				const fetched = await fetchImportErrors(ctx, jobId, settings);
				finalResult = {
					...finalResult,
					attempts: finalResult.attempts + fetched.attempts,
					totalWaitMs: finalResult.totalWaitMs + fetched.totalWaitMs,
				};
				const { byPosition } = attributeImportErrors(
					job.map((p) => p.resource),
					fetched.errors,
				);
				for (const [position, error] of byPosition) rejected.set(position, importFailure(jobId, error));
				if (byPosition.size < failedCount) {
					const why = fetched.complete
						? `its import errors name only ${byPosition.size} of them`
						: `${fetched.problem}; ${byPosition.size} of them identified`;
					unknownFailure = {
						message: `Klaviyo profile import job ${jobId} reported ${failedCount} failed profiles, but ${why}: this profile may not have been imported`,
						hint: 'replaying it is harmless (profile import is an upsert); see GET /api/profile-bulk-import-jobs/{id}/import-errors',
					};
				}
			}
		}
		for (let position = 0; position < job.length; position++) {
			const p = job[position];
			const json = items[p.index].json ?? {};
			const passthrough = passthroughOf(json);
			const rejection = rejected.get(position) ?? unknownFailure;
			if (finalResult.ok && !failedStatus && !rejection) {
				out.success(p.index, resultItem({ operation, body, passthrough }, finalResult, notes));
				continue;
			}
			const error = rejection
				? rejection
				: finalResult.ok
					? {
							message: `Klaviyo profile import job ended ${failedStatus}`,
							status: finalResult.status,
							hint: 'see the import job errors in Klaviyo (GET /api/profile-bulk-import-jobs/{id}/import-errors)',
						}
					: finalResult.error;
			out.failure(
				p.index,
				deadLetter(
					{ operation: 'profile.upsert', body: { data: p.resource }, passthrough },
					error,
					finalResult.attempts,
					[...notes, ...finalResult.notes],
				),
			);
		}
	}
}
