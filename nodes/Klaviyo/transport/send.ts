import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { KlaviyoOperation } from '../../shared/contract';
import { ENDPOINTS, OPERATION_ENDPOINT } from './endpoints';
import type { FailureInfo } from './errors';
import { apiErrorsOf, describeFailure } from './errors';
import type { KlaviyoRequest, TransportSettings } from './request';
import { klaviyoRequest } from './request';
import { isSuccess } from './retry';

/**
 * Send a contract operation and apply Klaviyo-specific recoveries:
 *
 * - 400 pointing at …/phone_number: Klaviyo rejects phone numbers it cannot parse as E.164 (or
 *   that are not SMS-capable for the account). The request is sent once more without the
 *   phone_number and the drop is reported in `notes` ("phone_number dropped: <detail>").
 * - 409 `duplicate_profile` on POST /api/profile-import: the identifiers in the body belong to an
 *   existing profile whose id Klaviyo returns in meta.duplicate_profile_id. We resend the same
 *   ProfileUpsertQuery to POST /api/profile-import with data.id set to that id — the spec allows an
 *   optional id there ("create or update a profile … optionally an ID"), so the body stays a valid
 *   ProfileUpsertQuery, the rate-limit bucket stays the same and null/absent semantics are unchanged
 *   (PATCH /api/profiles/{id} would also be valid, but needs a different schema). The note
 *   "duplicate_profile: updated existing profile <id>" is added. Done at most once.
 */

export type SendResult =
	| {
			ok: true;
			status: number;
			response?: unknown;
			attempts: number;
			totalWaitMs: number;
			notes: string[];
			/** The body finally accepted (after recoveries) */
			body?: IDataObject;
	  }
	| {
			ok: false;
			error: FailureInfo;
			attempts: number;
			totalWaitMs: number;
			notes: string[];
			body?: IDataObject;
	  };

function clone<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** Delete the key a JSON pointer designates; true if something was removed. */
function deleteAtPointer(body: unknown, pointer: string): boolean {
	const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
	if (!parts.length) return false;
	let node: unknown = body;
	for (const part of parts.slice(0, -1)) {
		if (Array.isArray(node)) node = node[Number(part)];
		else node = asObject(node)?.[part];
		if (node === undefined) return false;
	}
	const last = parts[parts.length - 1];
	const holder = asObject(node);
	if (holder && Object.prototype.hasOwnProperty.call(holder, last)) {
		delete holder[last];
		return true;
	}
	return false;
}

/** Every profile-attributes object in a body we send, wherever the operation keeps it. */
export function profileAttributeObjects(body: unknown): Array<Record<string, unknown>> {
	const out: Array<Record<string, unknown>> = [];
	const data = asObject(asObject(body)?.data);
	const attrs = asObject(data?.attributes);
	if (!attrs) return out;
	// profile-import / PATCH profile: data.attributes
	if (data?.type === 'profile') out.push(attrs);
	// event: data.attributes.profile.data.attributes; data-privacy: same place
	const profileAttrs = asObject(asObject(asObject(attrs.profile)?.data)?.attributes);
	if (profileAttrs) out.push(profileAttrs);
	// subscription jobs and bulk import: data.attributes.profiles.data[].attributes
	const profiles = asObject(attrs.profiles)?.data;
	if (Array.isArray(profiles)) {
		for (const p of profiles) {
			const a = asObject(asObject(p)?.attributes);
			if (a) out.push(a);
		}
	}
	// bulk events: data.attributes['events-bulk-create'].data[].attributes.profile.data.attributes
	const groups = asObject(attrs['events-bulk-create'])?.data;
	if (Array.isArray(groups)) {
		for (const g of groups) {
			const a = asObject(asObject(asObject(asObject(asObject(g)?.attributes)?.profile)?.data)?.attributes);
			if (a) out.push(a);
		}
	}
	return out;
}

/** Remove the phone number Klaviyo complained about; true if the body changed. */
export function dropPhoneNumber(body: unknown, pointer: string | undefined): boolean {
	if (pointer && deleteAtPointer(body, pointer)) return true;
	let removed = false;
	for (const attrs of profileAttributeObjects(body)) {
		if ('phone_number' in attrs) {
			delete attrs.phone_number;
			removed = true;
		}
	}
	return removed;
}

export async function sendRequest(
	ctx: IExecuteFunctions,
	req: KlaviyoRequest,
	settings: TransportSettings,
	recovery?: { operation?: KlaviyoOperation },
): Promise<SendResult> {
	const notes: string[] = [];
	let attempts = 0;
	let totalWaitMs = 0;
	let current: KlaviyoRequest = { ...req, body: clone(req.body) };
	let phoneRetried = false;
	let duplicateResolved = false;
	for (;;) {
		const result = await klaviyoRequest(ctx, current, settings);
		attempts += result.attempts;
		totalWaitMs += result.totalWaitMs;
		const outcome = result.outcome;
		if (isSuccess(outcome) && outcome.kind === 'response') {
			return {
				ok: true,
				status: outcome.status,
				response: outcome.body === '' ? undefined : outcome.body,
				attempts,
				totalWaitMs,
				notes,
				body: current.body,
			};
		}
		if (outcome.kind === 'response' && current.body) {
			const errors = apiErrorsOf(outcome.body);
			const first = errors[0];
			if (outcome.status === 400 && !phoneRetried) {
				const phoneError = errors.find((e) => /(^|\/)phone_number$/.test(e.source?.pointer ?? ''));
				if (phoneError) {
					phoneRetried = true;
					const body = clone(current.body);
					if (dropPhoneNumber(body, phoneError.source?.pointer)) {
						notes.push(`phone_number dropped: ${phoneError.detail ?? phoneError.title ?? 'invalid phone number'}`);
						current = { ...current, body };
						continue;
					}
				}
			}
			if (
				outcome.status === 409 &&
				!duplicateResolved &&
				recovery?.operation === 'profile.upsert' &&
				first?.code === 'duplicate_profile'
			) {
				const meta = asObject(first.meta) ?? asObject(asObject(outcome.body)?.meta);
				const duplicateId = meta?.duplicate_profile_id;
				if (typeof duplicateId === 'string' && duplicateId) {
					duplicateResolved = true;
					const body = clone(current.body);
					const data = asObject(body.data);
					if (data) {
						data.id = duplicateId;
						notes.push(`duplicate_profile: updated existing profile ${duplicateId}`);
						current = { ...current, body };
						continue;
					}
				}
			}
		}
		return {
			ok: false,
			error: describeFailure(outcome, result.endpoint, result),
			attempts,
			totalWaitMs,
			notes,
			body: current.body,
		};
	}
}

/** Send a contract operation (the mapper's `operation` + `body`). */
export async function sendOperation(
	ctx: IExecuteFunctions,
	operation: KlaviyoOperation,
	body: IDataObject,
	settings: TransportSettings,
): Promise<SendResult> {
	const endpoint = ENDPOINTS[OPERATION_ENDPOINT[operation]];
	return await sendRequest(
		ctx,
		{ method: endpoint.method, path: endpoint.path, body, endpoint: OPERATION_ENDPOINT[operation] },
		settings,
		{ operation },
	);
}
