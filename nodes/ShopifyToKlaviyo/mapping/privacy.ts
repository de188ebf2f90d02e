/**
 * Privacy topics.
 *
 * customers/redact (GDPR "erase this customer", sent by Shopify 10 days after a request, or
 * 6 months after the customer's last order) → Klaviyo data privacy deletion jobs, which delete a
 * profile and everything Klaviyo holds about it. A customer may have several Klaviyo profiles —
 * this mapper itself keys events by email, else phone, else the Shopify customer id as
 * external_id — so deletion is requested once per identifier the customer may have there:
 *   1. by email (if any),
 *   2. by phone, if valid E.164 (a phone-keyed profile survives an email deletion otherwise),
 *   3. by external_id = the Shopify customer id (operation dataPrivacy.deleteProfileByExternalId:
 *      the Klaviyo node looks the profile up and deletes it by its id; none → nothing to delete).
 * Deleting the same profile twice is harmless: Klaviyo accepts the second job with nothing to do.
 *
 * customers/delete → Skipped, on purpose (reason in nodes/shared/topics.ts): Shopify sends only the
 * customer id, and a merchant deleting a customer record in Shopify is not a request to erase the
 * person's marketing history. Erasure is a privacy action, done on customers/redact.
 */
import type { KlaviyoRequestItem } from '../../shared/contract';
import { deletionJobBody } from '../../shared/klaviyoBodies';
import type { MappingResult, MapContext } from './context';
import { customerAddress, normalizeEmail, normalizePhone } from './identity';
import { rec, str, type Json } from './util';

export function mapRedact(payload: Json, ctx: MapContext): MappingResult {
	const customer = rec(payload.customer);
	const customerId = str(customer.id);
	const label = customerId ?? '(unknown)';
	const email = normalizeEmail(customer.email);
	const country = str(rec(customerAddress(customer)).country_code);
	const phone = normalizePhone(customer.phone, country);
	if (!phone && customer.phone !== undefined && customer.phone !== null && customer.phone !== '') {
		ctx.notes.push('customer.phone is not a valid E.164 phone number; dropped');
	}
	const summary = (by: string) => `Delete Klaviyo profile of Shopify customer ${label} by ${by} (customers/redact)`;
	const requests: KlaviyoRequestItem[] = [];
	if (email) requests.push(ctx.request('dataPrivacy.deleteProfile', deletionJobBody({ email }), summary('email')));
	if (phone) requests.push(ctx.request('dataPrivacy.deleteProfile', deletionJobBody({ phone_number: phone }), summary('phone')));
	if (customerId) {
		requests.push(ctx.request('dataPrivacy.deleteProfileByExternalId', deletionJobBody({ external_id: customerId }), summary('external_id')));
	}
	if (requests.length === 0) {
		return ctx.skip(`customers/redact for customer ${label} has no email, valid phone or customer id to find Klaviyo profiles by`);
	}
	return ctx.done(requests);
}
