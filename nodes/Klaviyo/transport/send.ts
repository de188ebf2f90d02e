import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { KlaviyoOperation } from '../../shared/contract';
import { deletionJobBody } from '../../shared/klaviyoBodies';
import { ENDPOINTS, OPERATION_ENDPOINT } from './endpoints';
import type { FailureInfo } from './errors';
import { apiErrorsOf, describeFailure } from './errors';
import type { KlaviyoRequest, TransportSettings } from './request';
import { klaviyoRequest } from './request';
import type { HttpOutcome } from './retry';
import { isSuccess } from './retry';

/**
 * Send a contract operation and apply Klaviyo-specific recoveries:
 *
 * - 400 pointing at …/phone_number: Klaviyo rejects phone numbers it cannot parse as E.164 (or
 *   that are not SMS-capable for the account). The request is sent once more without the
 *   phone_number and the drop is reported in `notes` ("phone_number dropped: <detail>"). Only a
 *   400 whose error pointer designates a phone_number does this; any other 400 is a failure.
 * - 400 pointing at …/email (profile import, events, bulk events and profile imports): an address
 *   Klaviyo rejects. When the same profile still has another identifier (phone_number or
 *   external_id), the request is sent once more without the email and the note says "email
 *   dropped: Klaviyo rejected it (<detail>)"; otherwise it fails, with the field named in the error
 *   and a note saying why the email was kept. Subscription and deletion jobs keep their email: the
 *   consent or the erasure is about that address.
 *   Notes never repeat the dropped value, even when Klaviyo's detail quotes it.
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
	const target = resolvePointer(body, pointer);
	if (!target) return false;
	delete target.holder[target.key];
	return true;
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

/** The object holding the key a JSON pointer designates, and that key; undefined if it is not there. */
function resolvePointer(body: unknown, pointer: string): { holder: Record<string, unknown>; key: string } | undefined {
	const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
	if (!parts.length) return undefined;
	let node: unknown = body;
	for (const part of parts.slice(0, -1)) {
		if (Array.isArray(node)) node = node[Number(part)];
		else node = asObject(node)?.[part];
		if (node === undefined) return undefined;
	}
	const key = parts[parts.length - 1];
	const holder = asObject(node);
	return holder && Object.prototype.hasOwnProperty.call(holder, key) ? { holder, key } : undefined;
}

/** Operations whose rejected email may be dropped (the profile keeps another identifier). */
const EMAIL_DROP_OPERATIONS: ReadonlySet<KlaviyoOperation> = new Set<KlaviyoOperation>([
	'profile.upsert',
	'event.create',
	'bulk.createEvents',
	'bulk.importProfiles',
]);

const OTHER_IDENTIFIERS = ['phone_number', 'external_id'];

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * Remove the email Klaviyo rejected at `pointer` if the same profile keeps another identifier.
 * `dropped`: the removed value; `onlyIdentifier`: the email was there but is the only identifier.
 */
export function dropRejectedEmail(body: unknown, pointer: string | undefined): { dropped?: string; onlyIdentifier?: boolean } {
	if (!pointer || !/(^|\/)email$/.test(pointer)) return {};
	const target = resolvePointer(body, pointer);
	if (!target || !present(target.holder[target.key])) return {};
	if (!OTHER_IDENTIFIERS.some((k) => present(target.holder[k]))) return { onlyIdentifier: true };
	const dropped = String(target.holder[target.key]);
	delete target.holder[target.key];
	return { dropped };
}

/**
 * Klaviyo's detail with the rejected value replaced, so notes carry no personal data. Values
 * shorter than 5 characters identify nobody and would match inside unrelated text ("12").
 */
function withoutValue(detail: string, value: unknown): string {
	const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	return text.length >= 5 ? detail.split(text).join('[redacted]') : detail;
}

/** The value at a JSON pointer, if any (for redaction). */
function valueAt(body: unknown, pointer: string | undefined): unknown {
	if (!pointer) return undefined;
	const target = resolvePointer(body, pointer);
	return target ? target.holder[target.key] : undefined;
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

/**
 * Send one request through the retry loop (klaviyoRequest → withRetry); the recoveries above are
 * its `recover` hook, each used at most once: they correct the body and the loop sends it again.
 */
export async function sendRequest(
	ctx: IExecuteFunctions,
	req: KlaviyoRequest,
	settings: TransportSettings,
	recovery?: { operation?: KlaviyoOperation },
): Promise<SendResult> {
	const notes: string[] = [];
	let phoneRetried = false;
	let emailRetried = false;
	let duplicateResolved = false;
	const recover = (outcome: HttpOutcome, current: IDataObject | undefined): IDataObject | undefined => {
		if (outcome.kind !== 'response' || !current) return undefined;
		const errors = apiErrorsOf(outcome.body);
		const first = errors[0];
		if (outcome.status === 400 && !phoneRetried) {
			const phoneError = errors.find((e) => /(^|\/)phone_number$/.test(e.source?.pointer ?? ''));
			if (phoneError) {
				phoneRetried = true;
				const body = clone(current);
				const rejected = valueAt(current, phoneError.source?.pointer);
				if (dropPhoneNumber(body, phoneError.source?.pointer)) {
					notes.push(`phone_number dropped: ${withoutValue(phoneError.detail ?? phoneError.title ?? 'invalid phone number', rejected)}`);
					return body;
				}
			}
		}
		if (outcome.status === 400 && !emailRetried && recovery?.operation && EMAIL_DROP_OPERATIONS.has(recovery.operation)) {
			const emailError = errors.find((e) => /(^|\/)email$/.test(e.source?.pointer ?? ''));
			if (emailError) {
				emailRetried = true;
				const body = clone(current);
				const { dropped, onlyIdentifier } = dropRejectedEmail(body, emailError.source?.pointer);
				if (dropped !== undefined) {
					const detail = emailError.detail ?? emailError.title;
					notes.push(`email dropped: Klaviyo rejected it${detail ? ` (${withoutValue(detail, dropped)})` : ''}`);
					return body;
				}
				if (onlyIdentifier) {
					notes.push('email rejected and kept: it is the only identifier (no phone_number or external_id to send instead)');
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
				const body = clone(current);
				const data = asObject(body.data);
				if (data) {
					data.id = duplicateId;
					notes.push(`duplicate_profile: updated existing profile ${duplicateId}`);
					return body;
				}
			}
		}
		return undefined;
	};
	const result = await klaviyoRequest(ctx, { ...req, body: clone(req.body) }, settings, recover);
	const { outcome, attempts, totalWaitMs, body } = result;
	if (isSuccess(outcome) && outcome.kind === 'response') {
		return {
			ok: true,
			status: outcome.status,
			response: outcome.body === '' ? undefined : outcome.body,
			attempts,
			totalWaitMs,
			notes,
			body,
		};
	}
	return { ok: false, error: describeFailure(outcome, result.endpoint, result), attempts, totalWaitMs, notes, body };
}

/** Klaviyo's filter for the profile(s) holding an external_id (string values in double quotes). */
export function externalIdFilter(externalId: string): string {
	return `equals(external_id,"${externalId}")`;
}

/** Profiles looked up per page when resolving an external_id (Klaviyo's maximum page size). */
const LOOKUP_PAGE_SIZE = 100;

/**
 * dataPrivacy.deleteProfileByExternalId: Klaviyo's deletion jobs take an email, a phone or a
 * profile id, not an external_id. So: GET /api/profiles?filter=equals(external_id,"…") (only the
 * ids asked for), then one deletion job per profile found, by its id. No profile → success with the
 * note "nothing to delete". Any failure returns the original body, so a replay looks up again.
 */
async function deleteByExternalId(ctx: IExecuteFunctions, body: IDataObject, settings: TransportSettings): Promise<SendResult> {
	const fail = (message: string, hint: string, attempts = 0, totalWaitMs = 0, notes: string[] = []): SendResult => ({
		ok: false,
		error: { message, hint },
		attempts,
		totalWaitMs,
		notes,
		body,
	});
	const field = 'data.attributes.profile.data.attributes.external_id';
	const raw = asObject(asObject(asObject(asObject(asObject(body.data)?.attributes)?.profile)?.data)?.attributes)?.external_id;
	const externalId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	if (!externalId) return fail(`dataPrivacy.deleteProfileByExternalId: ${field} is missing`, 'the body must name the profile by its external_id');
	if (/["\\]/.test(externalId)) {
		return fail(
			`dataPrivacy.deleteProfileByExternalId: ${field} contains a double quote or backslash, which Klaviyo's filter syntax cannot express`,
			'delete this profile by email, phone or profile id instead',
		);
	}
	const lookup = await sendRequest(
		ctx,
		{
			method: 'GET',
			path: ENDPOINTS['GET /api/profiles'].path,
			qs: { filter: externalIdFilter(externalId), 'fields[profile]': 'external_id', 'page[size]': LOOKUP_PAGE_SIZE },
			endpoint: 'GET /api/profiles',
		},
		settings,
	);
	if (!lookup.ok) return { ...lookup, body };
	const page = asObject(lookup.response);
	const ids = (Array.isArray(page?.data) ? page.data : [])
		.map((p) => asObject(p)?.id)
		.filter((id): id is string => typeof id === 'string' && id !== '');
	let attempts = lookup.attempts;
	let totalWaitMs = lookup.totalWaitMs;
	if (ids.length === 0) {
		return {
			ok: true,
			status: lookup.status,
			response: lookup.response,
			attempts,
			totalWaitMs,
			notes: [...lookup.notes, 'no Klaviyo profile has this external_id; nothing to delete'],
			body,
		};
	}
	const deletion = ENDPOINTS[OPERATION_ENDPOINT['dataPrivacy.deleteProfile']];
	let status = lookup.status;
	for (const id of ids) {
		const job = deletionJobBody({ id }) as IDataObject;
		const sent = await sendRequest(
			ctx,
			{ method: deletion.method, path: deletion.path, body: job, endpoint: OPERATION_ENDPOINT['dataPrivacy.deleteProfile'] },
			settings,
			{ operation: 'dataPrivacy.deleteProfile' },
		);
		attempts += sent.attempts;
		totalWaitMs += sent.totalWaitMs;
		if (!sent.ok) return { ...sent, attempts, totalWaitMs, body };
		status = sent.status;
	}
	const notes = [`external_id matched ${ids.length} Klaviyo profile${ids.length === 1 ? '' : 's'} (${ids.join(', ')}); deletion requested`];
	if (asObject(page?.links)?.next) {
		return fail(
			`more than ${LOOKUP_PAGE_SIZE} Klaviyo profiles have this external_id; deletion was requested for the first ${ids.length}`,
			'replay this item to delete the rest',
			attempts,
			totalWaitMs,
			notes,
		);
	}
	return { ok: true, status, response: lookup.response, attempts, totalWaitMs, notes, body };
}

/** Send a contract operation (the mapper's `operation` + `body`). */
export async function sendOperation(
	ctx: IExecuteFunctions,
	operation: KlaviyoOperation,
	body: IDataObject,
	settings: TransportSettings,
): Promise<SendResult> {
	if (operation === 'dataPrivacy.deleteProfileByExternalId') return await deleteByExternalId(ctx, body, settings);
	const endpoint = ENDPOINTS[OPERATION_ENDPOINT[operation]];
	return await sendRequest(
		ctx,
		{ method: endpoint.method, path: endpoint.path, body, endpoint: OPERATION_ENDPOINT[operation] },
		settings,
		{ operation },
	);
}
