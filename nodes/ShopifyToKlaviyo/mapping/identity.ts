/**
 * Who an event or profile belongs to.
 *
 * Klaviyo identifies profiles by email, phone number (E.164) or external_id. We use the
 * Shopify customer id as external_id only as the identifier of last resort (no email and no
 * valid phone): Klaviyo's own Shopify integration does not set external_id, so a profile it
 * created has none, and sending email + an external_id that Klaviyo already holds on
 * another profile is rejected with 409 duplicate_profile. The Shopify id is always stored in
 * the "Shopify ID" profile property instead, where it can be used for segments and lookups.
 */
import { isRecord, rec, str, type Json } from './util';

/** E.164: "+" then 8–15 digits, the first not 0. */
const E164 = /^\+[1-9]\d{7,14}$/;
/** North American Numbering Plan countries where a 10-digit national number is unambiguous. */
const NANP = ['US', 'CA', 'PR', 'GU', 'VI', 'AS', 'MP'];

/**
 * Normalise a phone number to E.164 when that is unambiguous, else undefined.
 *
 *   "+1 (555) 123-4567" → "+15551234567"
 *   "0044 20 7946 0958" → "+442079460958"
 *   "(555) 555-0100" with country US/CA → "+15555550100"; without a country → undefined
 *   "555-555-SHIP", "123", "+1 555 123 4567 ext. 2" → undefined
 */
export function normalizePhone(raw: unknown, countryCode?: string): string | undefined {
	if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
	const text = String(raw).trim();
	if (text === '') return undefined;
	// Only digits, spaces and the usual separators; letters or extensions make it ambiguous.
	if (!/^\+?[\d\s().\-/]+$/.test(text)) return undefined;
	const digits = text.replace(/\D/g, '');
	let candidate: string | undefined;
	if (text.startsWith('+')) candidate = `+${digits}`;
	else if (digits.startsWith('00')) candidate = `+${digits.slice(2)}`;
	else if (NANP.includes((countryCode ?? '').toUpperCase())) {
		if (digits.length === 10 && /^[2-9]/.test(digits)) candidate = `+1${digits}`;
		else if (digits.length === 11 && /^1[2-9]/.test(digits)) candidate = `+${digits}`;
	}
	return candidate && E164.test(candidate) ? candidate : undefined;
}

/** A trimmed email that looks like one (something@something), else undefined. */
export function normalizeEmail(raw: unknown): string | undefined {
	const email = str(raw);
	return email && /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
}

export interface PhoneCandidate {
	/** Where the phone came from, for notes (no PII in notes): e.g. "billing_address.phone" */
	field: string;
	value: unknown;
	countryCode?: string;
}

/**
 * The first candidate that is a valid phone. Invalid non-empty candidates met on the way are
 * noted ("billing_address.phone is not a valid E.164 phone number; dropped") — never fatal.
 */
export function firstValidPhone(candidates: PhoneCandidate[], notes: string[]): string | undefined {
	for (const candidate of candidates) {
		if (candidate.value === undefined || candidate.value === null || candidate.value === '') continue;
		const phone = normalizePhone(candidate.value, candidate.countryCode);
		if (phone) return phone;
		notes.push(`${candidate.field} is not a valid E.164 phone number; dropped`);
	}
	return undefined;
}

export interface EventIdentity {
	/** The `profile.data.attributes` of an event (identifier + names) */
	attributes: Json;
	/** Which identifier was used, for summaries */
	by: 'email' | 'phone_number' | 'external_id';
}

/**
 * Identify the buyer of an order or checkout, in this order:
 *   1. email: order.email, else order.contact_email, else customer.email
 *   2. a valid E.164 phone: order.phone, else customer.phone, else billing/shipping address phone
 *   3. the Shopify customer id as external_id
 * Only one identifier is sent, so an event can never trip over two identifiers that Klaviyo
 * holds on two different profiles. Returns undefined when there is none (→ Skipped).
 */
export function identifyBuyer(source: Json, notes: string[]): EventIdentity | undefined {
	const customer = rec(source.customer);
	const billing = rec(source.billing_address);
	const shipping = rec(source.shipping_address);
	const names = buyerNames(source);

	const email = normalizeEmail(source.email) ?? normalizeEmail(source.contact_email) ?? normalizeEmail(customer.email);
	if (email) return { attributes: { email, ...names }, by: 'email' };

	const defaultAddress = rec(customer.default_address);
	const country = str(billing.country_code) ?? str(shipping.country_code) ?? str(defaultAddress.country_code);
	const phone = firstValidPhone(
		[
			{ field: 'phone', value: source.phone, countryCode: country },
			{ field: 'sms_marketing_phone', value: source.sms_marketing_phone, countryCode: country },
			{ field: 'customer.phone', value: customer.phone, countryCode: country },
			{ field: 'billing_address.phone', value: billing.phone, countryCode: str(billing.country_code) },
			{ field: 'shipping_address.phone', value: shipping.phone, countryCode: str(shipping.country_code) },
		],
		notes,
	);
	if (phone) return { attributes: { phone_number: phone, ...names }, by: 'phone_number' };

	const customerId = str(customer.id) ?? str(source.customer_id);
	if (customerId) return { attributes: { external_id: customerId, ...names }, by: 'external_id' };
	return undefined;
}

/** First/last name from the customer, else from the billing address; omitted when unknown. */
function buyerNames(source: Json): Json {
	const out: Json = {};
	const from = [rec(source.customer), rec(source.billing_address)];
	for (const key of ['first_name', 'last_name'] as const) {
		for (const candidate of from) {
			const value = str(candidate[key]);
			if (value) {
				out[key] = value;
				break;
			}
		}
	}
	return out;
}

/** The address Shopify considers the customer's: default_address, else addresses[0]. */
export function customerAddress(customer: Json): Json | undefined {
	if (isRecord(customer.default_address)) return customer.default_address;
	const first = Array.isArray(customer.addresses) ? customer.addresses[0] : undefined;
	return isRecord(first) ? first : undefined;
}
