/**
 * Small helpers shared by the mapping rules: reading loosely-typed Shopify JSON safely,
 * turning Shopify ids into strings, and formatting times the way Klaviyo wants them.
 */

/** Thrown when a Shopify payload is malformed. The message names the topic and the field. */
export class MappingError extends Error {
	readonly field: string;

	constructor(topic: string, field: string, problem: string) {
		super(`${topic} payload: ${field} ${problem}`);
		this.name = 'MappingError';
		this.field = field;
	}
}

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value`, or an empty object (Shopify sends null for absent sub-objects). */
export function rec(value: unknown): Json {
	return isRecord(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

/** A non-empty trimmed string, or undefined. Numbers are stringified (ids, zips). */
export function str(value: unknown): string | undefined {
	if (typeof value === 'string') {
		const trimmed = value.trim();
		return trimmed === '' ? undefined : trimmed;
	}
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'bigint') return value.toString();
	return undefined;
}

/**
 * ISO 8601 with any offset → UTC without milliseconds, e.g.
 * "2023-01-01T10:30:00-05:00" → "2023-01-01T15:30:00Z" (Klaviyo truncates to the second anyway).
 * Absent → undefined (Klaviyo then uses the time it received the event); unparseable → MappingError.
 */
export function utcTime(value: unknown, topic: string, field: string): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string') throw new MappingError(topic, field, 'is not an ISO 8601 date-time');
	const ms = Date.parse(value);
	if (Number.isNaN(ms)) throw new MappingError(topic, field, 'is not an ISO 8601 date-time');
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One compact() for the mapper and the Klaviyo node: it decides what goes on the wire. */
export { compact } from '../../shared/klaviyoBodies';

/** "tag1, tag2" (Shopify's comma-separated tags) → ["tag1", "tag2"]; empty → undefined. */
export function tagList(value: unknown): string[] | undefined {
	let tags: string[] = [];
	if (typeof value === 'string') tags = value.split(',');
	else if (Array.isArray(value)) tags = value.filter((t): t is string => typeof t === 'string');
	tags = tags.map((t) => t.trim()).filter((t) => t !== '');
	return tags.length > 0 ? tags : undefined;
}
