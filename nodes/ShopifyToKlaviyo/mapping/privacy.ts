/**
 * Privacy topics.
 *
 * customers/redact (GDPR "erase this customer", sent by Shopify 10 days after a request, or
 * 6 months after the customer's last order) → Klaviyo data privacy deletion job, which
 * deletes the profile and everything Klaviyo holds about it. The profile is identified by
 * email, else by a valid E.164 phone.
 *
 * customers/delete → Skipped, on purpose: Shopify sends only the customer id (no email or
 * phone to find the Klaviyo profile with), and a merchant deleting a customer record in
 * Shopify is not a request to erase the person's marketing history. Erasure is a privacy
 * action, done on customers/redact.
 */
import type { MappingResult, MapContext } from './context';
import { customerAddress, normalizeEmail, normalizePhone } from './identity';
import { rec, str, type Json } from './util';

export const CUSTOMER_DELETE_REASON =
	'customers/delete carries only the customer id; Klaviyo profiles are not deleted when a Shopify customer record is deleted — ' +
	'erasure happens on customers/redact (privacy request)';

export function mapRedact(payload: Json, ctx: MapContext): MappingResult {
	const customer = rec(payload.customer);
	const customerId = str(customer.id) ?? '(unknown)';
	const email = normalizeEmail(customer.email);
	const country = str(rec(customerAddress(customer)).country_code);
	const phone = email ? undefined : normalizePhone(customer.phone, country);
	if (!email && !phone) {
		if (customer.phone !== undefined && customer.phone !== null && customer.phone !== '') {
			ctx.notes.push('customer.phone is not a valid E.164 phone number; dropped');
		}
		return ctx.skip(`customers/redact for customer ${customerId} has no email or valid phone to find the Klaviyo profile`);
	}
	const body = {
		data: {
			type: 'data-privacy-deletion-job',
			attributes: {
				profile: { data: { type: 'profile', attributes: email ? { email } : { phone_number: phone } } },
			},
		},
	};
	return ctx.done([ctx.request('dataPrivacy.deleteProfile', body, `Delete Klaviyo profile of Shopify customer ${customerId} (customers/redact)`)]);
}
