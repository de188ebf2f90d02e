import type { IDataObject } from 'n8n-workflow';

/**
 * Pure helpers for a profile import job's errors (GET /api/profile-bulk-import-jobs/{id}/import-errors,
 * schema GetImportErrorResponseCollection): which of the job's profiles each error belongs to.
 */

/** One `import-error` resource, flattened. */
export interface ImportError {
	code?: string;
	title?: string;
	detail?: string;
	/** As Klaviyo gives it, e.g. /data/attributes/profiles/data/3/attributes/email */
	pointer?: string;
	/** The profile as it was sent, when Klaviyo returns it */
	originalPayload?: IDataObject;
}

function asObject(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** One page of import errors, and the cursor of the next page (from links.next), if any. */
export function parseImportErrorsPage(response: unknown): { errors: ImportError[]; nextCursor?: string } {
	const body = asObject(response);
	const data = Array.isArray(body?.data) ? (body.data as unknown[]) : [];
	const errors = data.map((entry): ImportError => {
		const attributes = asObject(asObject(entry)?.attributes) ?? {};
		const error: ImportError = {};
		const code = str(attributes.code);
		const title = str(attributes.title);
		const detail = str(attributes.detail);
		const pointer = str(asObject(attributes.source)?.pointer);
		const original = asObject(attributes.original_payload);
		if (code) error.code = code;
		if (title) error.title = title;
		if (detail) error.detail = detail;
		if (pointer) error.pointer = pointer;
		if (original) error.originalPayload = original;
		return error;
	});
	const next = str(asObject(body?.links)?.next);
	let nextCursor: string | undefined;
	if (next) {
		try {
			nextCursor = new URL(next, 'https://a.klaviyo.com').searchParams.get('page[cursor]') ?? undefined;
		} catch {
			nextCursor = undefined;
		}
	}
	return nextCursor ? { errors, nextCursor } : { errors };
}

const INDEXED = /^\/data\/attributes\/profiles\/data\/(\d+)(?=\/|$)/;

/**
 * "/data/attributes/profiles/data/3/attributes/email" → "/data/attributes/email": the same field in
 * the single-profile body (POST /api/profile-import) the dead letter carries and a replay sends.
 */
export function singleProfilePointer(pointer: string | undefined): string | undefined {
	if (!pointer) return undefined;
	const match = INDEXED.exec(pointer);
	if (!match) return pointer;
	return `/data${pointer.slice(match[0].length)}`;
}

const IDENTIFIERS = ['email', 'phone_number', 'external_id'] as const;

function identityOf(resource: IDataObject | undefined): string | undefined {
	if (!resource) return undefined;
	const attributes = asObject(resource.attributes) ?? {};
	const parts = [
		str(resource.id) ?? '',
		...IDENTIFIERS.map((k) => {
			const v = str(attributes[k]);
			return k === 'email' && v ? v.trim().toLowerCase() : (v ?? '');
		}),
	];
	return parts.some((p) => p !== '') ? JSON.stringify(parts) : undefined;
}

/**
 * Which profile of the job (by position in the job) each error is about: by the index in its
 * pointer, else by the identifiers (id, email, phone_number, external_id) of its original payload.
 * An error that names neither stays unattributed. At most one error is kept per profile.
 */
export function attributeImportErrors(
	profiles: IDataObject[],
	errors: ImportError[],
): { byPosition: Map<number, ImportError>; unattributed: ImportError[] } {
	const byPosition = new Map<number, ImportError>();
	const unattributed: ImportError[] = [];
	const identities = profiles.map(identityOf);
	for (const error of errors) {
		const match = error.pointer ? INDEXED.exec(error.pointer) : null;
		let position = match ? Number(match[1]) : -1;
		if (position >= profiles.length) position = -1;
		if (position < 0) {
			const wanted = identityOf(error.originalPayload);
			if (wanted) position = identities.findIndex((id, i) => id === wanted && !byPosition.has(i));
		}
		if (position < 0) {
			unattributed.push(error);
			continue;
		}
		if (!byPosition.has(position)) byPosition.set(position, error);
	}
	return { byPosition, unattributed };
}
