/**
 * Marketing consent → Klaviyo subscriptions.
 *
 *   customers_email_marketing_consent/update  → email marketing
 *   customers_marketing_consent/update         → SMS marketing
 *
 * Shopify state    → what we send
 *   subscribed      → subscription.subscribe (consent SUBSCRIBED)
 *   unsubscribed    → subscription.unsubscribe: the customer withdrew consent. The only state
 *                     that unsubscribes by default.
 *   not_subscribed  → Skipped by default: the state of every customer who never ticked Shopify's
 *                     box, including people subscribed through a Klaviyo form Shopify does not
 *                     know about. Unsubscribes only with the option "unsubscribeNotSubscribed".
 *   invalid         → Skipped: Shopify marks the address/number undeliverable, which is not a
 *                     withdrawal of consent (Klaviyo suppresses bouncing addresses itself).
 *   pending         → Skipped: double opt-in not confirmed yet. Shopify sends "subscribed"
 *                     once the customer confirms; subscribing now would skip their confirmation.
 *   redacted, null  → Skipped (redaction is handled by customers/redact)
 *
 * consented_at: Shopify's consent_updated_at. Klaviyo accepts consented_at only with
 * historical_import: true, which is what this is (consent already collected by Shopify), and
 * which also stops Klaviyo from asking for a second double opt-in confirmation.
 * The list relationship is added only when a list id option is set; without it Klaviyo
 * records the consent on the profile without adding it to a list.
 */
import { subscriptionJobBody } from '../../shared/klaviyoBodies';
import type { MappingResult, MapContext } from './context';
import { normalizeEmail, normalizePhone } from './identity';
import { rec, str, utcTime, type Json } from './util';

type Channel = 'email' | 'sms';

export function mapEmailConsent(payload: Json, ctx: MapContext): MappingResult {
	const customerId = str(payload.customer_id) ?? str(payload.id) ?? '(unknown)';
	const consent = rec(payload.email_marketing_consent);
	const email = normalizeEmail(payload.email_address) ?? normalizeEmail(payload.email);
	if (!email) return ctx.skip(`email consent update for customer ${customerId} has no email address`);
	return consentRequest('email', { email }, consent, customerId, ctx, ctx.options.emailListId);
}

export function mapSmsConsent(payload: Json, ctx: MapContext): MappingResult {
	const customerId = str(payload.customer_id) ?? str(payload.id) ?? '(unknown)';
	const consent = rec(payload.sms_marketing_consent);
	const rawPhone = payload.phone ?? payload.phone_number;
	const phone = normalizePhone(rawPhone);
	if (!phone) {
		const why = rawPhone === undefined || rawPhone === null || rawPhone === '' ? 'has no phone number' : 'has no valid E.164 phone number';
		return ctx.skip(`SMS consent update for customer ${customerId} ${why}`);
	}
	return consentRequest('sms', { phone_number: phone }, consent, customerId, ctx, ctx.options.smsListId);
}

function consentRequest(
	channel: Channel,
	identifier: Json,
	consent: Json,
	customerId: string,
	ctx: MapContext,
	listId: string | undefined,
): MappingResult {
	const state = str(consent.state)?.toLowerCase();
	const label = channel === 'email' ? 'email' : 'SMS';

	if (state === 'subscribed') {
		const consentedAt = utcTime(consent.consent_updated_at, ctx.topic, `${channel === 'email' ? 'email' : 'sms'}_marketing_consent.consent_updated_at`);
		const body = subscriptionJobBody({
			consent: 'SUBSCRIBED',
			channel,
			identifier,
			consentedAt,
			customSource: 'Shopify',
			historicalImport: consentedAt !== undefined,
			listId,
		});
		return ctx.done([ctx.request('subscription.subscribe', body, `Subscribe Shopify customer ${customerId} to ${label} marketing`)]);
	}

	const unsubscribe = state === 'unsubscribed' || (state === 'not_subscribed' && ctx.options.unsubscribeNotSubscribed);
	if (unsubscribe) {
		const body = subscriptionJobBody({ consent: 'UNSUBSCRIBED', channel, identifier, listId });
		return ctx.done([ctx.request('subscription.unsubscribe', body, `Unsubscribe Shopify customer ${customerId} from ${label} marketing`)]);
	}

	if (state === 'pending') {
		return ctx.skip(`${label} consent of customer ${customerId} is pending (double opt-in not confirmed yet); nothing sent until Shopify reports subscribed`);
	}
	if (state === 'invalid') {
		return ctx.skip(
			`${label} consent of customer ${customerId} is invalid (Shopify marks it undeliverable); not an unsubscribe, nothing sent`,
		);
	}
	if (state === 'not_subscribed') {
		return ctx.skip(`${label} consent of customer ${customerId} is not_subscribed and "Unsubscribe Not Subscribed" is off`);
	}
	return ctx.skip(`${label} consent state ${state ?? 'null'} of customer ${customerId} is not mapped (only subscribed, unsubscribed, not_subscribed, invalid and pending are)`);
}
