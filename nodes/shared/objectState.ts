/**
 * Which Shopify object a delivery describes, and how new that state is — the key of "never go
 * backwards": a delivery whose object has since been delivered in a newer state must not overwrite it.
 *
 *   customers/create|update                    → customer:<id>       at updated_at
 *   customers_email_marketing_consent/update   → email-consent:<id>  at email_marketing_consent.consent_updated_at
 *   customers_marketing_consent/update (SMS)   → sms-consent:<id>    at sms_marketing_consent.consent_updated_at
 *   orders/*                                   → order:<id>          at updated_at
 * Other topics (checkouts, refunds, redact) have no state that a later delivery could undo.
 *
 * SELF-CONTAINED ON PURPOSE (no imports, no helpers outside the function): workflows/src/build.js
 * copies this function's compiled source into the shipped workflow's replay Code node, so the replay
 * and the mapper can never disagree about an object's key or time.
 */
export interface ObjectState {
	/** e.g. "customer:706405506930370084" (ids kept as strings) */
	objectKey: string;
	/** Shopify's timestamp of that state, as epoch milliseconds (comparable across time zones) */
	updatedAtMs: number;
	/** The same instant in ISO 8601 UTC */
	updatedAt: string;
}

export function objectState(topic: unknown, payload: unknown): ObjectState | undefined {
	if (typeof topic !== 'string' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
	const p = payload as Record<string, unknown>;
	const id = (value: unknown): string | undefined =>
		(typeof value === 'string' && /^\d+$/.test(value.trim())) || (typeof value === 'number' && Number.isFinite(value)) ? String(value).trim() : undefined;
	const at = (value: unknown): number | undefined => {
		if (typeof value !== 'string' || value.trim() === '') return undefined;
		const ms = Date.parse(value);
		return Number.isFinite(ms) ? ms : undefined;
	};
	const consent = (field: string): unknown => {
		const c = p[field];
		return typeof c === 'object' && c !== null ? (c as Record<string, unknown>).consent_updated_at : undefined;
	};
	let key: string | undefined;
	let ms: number | undefined;
	const t = topic.trim().toLowerCase();
	if (t === 'customers/create' || t === 'customers/update') {
		key = id(p.id) && `customer:${id(p.id)}`;
		ms = at(p.updated_at);
	} else if (t === 'customers_email_marketing_consent/update') {
		const customer = id(p.customer_id) ?? id(p.id);
		key = customer && `email-consent:${customer}`;
		ms = at(consent('email_marketing_consent'));
	} else if (t === 'customers_marketing_consent/update') {
		const customer = id(p.id) ?? id(p.customer_id);
		key = customer && `sms-consent:${customer}`;
		ms = at(consent('sms_marketing_consent'));
	} else if (t.startsWith('orders/')) {
		key = id(p.id) && `order:${id(p.id)}`;
		ms = at(p.updated_at);
	}
	if (!key || ms === undefined) return undefined;
	return { objectKey: key, updatedAtMs: ms, updatedAt: new Date(ms).toISOString() };
}
