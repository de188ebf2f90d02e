/**
 * Shopify GraphQL Admin API objects → the webhook payload shape the mapper reads.
 *
 * Pure, no n8n imports. Reconciliation and backfill read orders and customers through GraphQL;
 * turning them into the payloads Shopify's webhooks carry lets them go through THE SAME mapper node
 * and configuration as the live path — same metrics, properties, values and `unique_id`s (a test maps
 * one order both ways and compares the Klaviyo requests).
 *
 *   gid://shopify/Order/820982911946154508 → "820982911946154508" (ids stay strings: they exceed 2^53)
 *   totalPriceSet.shopMoney.amount         → total_price (+ total_price_set, currency)
 *   tags ["a","b"]                          → "a, b"
 *   displayFulfillmentStatus FULFILLED     → fulfillment_status "fulfilled"
 *   Customer.defaultEmailAddress            → email + email_marketing_consent (consent topics)
 * Fields GraphQL does not return are left out, as the webhook would leave them out or null.
 */
import type { MappedTopic } from '../../shared/topics';

export type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Json => (isRecord(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** "gid://shopify/Order/123" → "123"; a bare numeric id stays as it is (as a string). */
export function legacyId(gid: unknown): string | undefined {
	if (typeof gid === 'number' && Number.isFinite(gid)) return String(gid);
	if (typeof gid !== 'string' || gid === '') return undefined;
	const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(\?.*)?$/.exec(gid);
	if (match) return match[1];
	return /^\d+$/.test(gid) ? gid : undefined;
}

/** A connection as GraphQL returns it ({ nodes } or { edges: [{ node }] }) or a plain list → its nodes. */
export function nodesOf(connection: unknown): Json[] {
	if (Array.isArray(connection)) return connection.filter(isRecord);
	const c = rec(connection);
	if (Array.isArray(c.nodes)) return c.nodes.filter(isRecord);
	if (Array.isArray(c.edges)) return c.edges.map((e) => rec(e).node).filter(isRecord);
	return [];
}

const lower = (v: unknown): string | undefined => (typeof v === 'string' ? v.toLowerCase() : undefined);

function money(set: unknown, which: 'shopMoney' | 'presentmentMoney' = 'shopMoney'): { amount?: string; currency?: string } {
	const m = rec(rec(set)[which]);
	return { amount: typeof m.amount === 'string' || typeof m.amount === 'number' ? String(m.amount) : undefined, currency: str(m.currencyCode) };
}

function moneySetToWebhook(set: unknown): Json | undefined {
	if (!isRecord(set)) return undefined;
	const out: Json = {};
	for (const [from, to] of [
		['shopMoney', 'shop_money'],
		['presentmentMoney', 'presentment_money'],
	] as const) {
		const m = money(set, from);
		if (m.amount !== undefined) out[to] = compact({ amount: m.amount, currency_code: m.currency });
	}
	return Object.keys(out).length > 0 ? out : undefined;
}

function compact(o: Json): Json {
	const out: Json = {};
	for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
	return out;
}

/** MailingAddress → webhook address. */
export function addressToWebhook(address: unknown): Json | undefined {
	if (!isRecord(address)) return undefined;
	return compact({
		first_name: str(address.firstName),
		last_name: str(address.lastName),
		address1: str(address.address1),
		address2: str(address.address2),
		city: str(address.city),
		province: str(address.province),
		province_code: str(address.provinceCode),
		zip: str(address.zip),
		country: str(address.country),
		country_code: str(address.countryCodeV2) ?? str(address.countryCode),
		phone: str(address.phone),
	});
}

const FULFILLMENT_STATUS: Record<string, string> = { FULFILLED: 'fulfilled', PARTIALLY_FULFILLED: 'partial', RESTOCKED: 'restocked' };

/** Order (GraphQL) → orders/* webhook payload. */
export function orderToWebhook(order: Json): Json {
	const total = money(order.totalPriceSet);
	const customer = rec(order.customer);
	const lines = nodesOf(order.lineItems).map((line) => {
		const price = money(line.originalUnitPriceSet);
		return compact({
			id: legacyId(line.id),
			product_id: legacyId(rec(line.product).id),
			variant_id: legacyId(rec(line.variant).id),
			sku: str(line.sku),
			name: str(line.name),
			title: str(line.title),
			variant_title: str(line.variantTitle),
			vendor: str(line.vendor),
			quantity: line.quantity,
			price: price.amount,
			price_set: moneySetToWebhook(line.originalUnitPriceSet),
		});
	});
	const fulfillments = nodesOf(order.fulfillments).map((f) => {
		const tracking = Array.isArray(f.trackingInfo) ? f.trackingInfo.filter(isRecord) : [];
		return compact({
			id: legacyId(f.id),
			created_at: str(f.createdAt),
			status: lower(f.status),
			tracking_company: str(tracking[0]?.company),
			tracking_number: str(tracking[0]?.number),
			tracking_numbers: tracking.length > 0 ? tracking.map((t) => str(t.number)).filter(Boolean) : undefined,
			tracking_url: str(tracking[0]?.url),
			tracking_urls: tracking.length > 0 ? tracking.map((t) => str(t.url)).filter(Boolean) : undefined,
		});
	});
	const refunds = nodesOf(order.refunds).map((r) => refundToWebhook(r, legacyId(order.id)));
	const discountCodes = Array.isArray(order.discountCodes) ? order.discountCodes.filter((c): c is string => typeof c === 'string') : [];
	const customerEmail = str(rec(customer.defaultEmailAddress).emailAddress) ?? str(customer.email);
	const customerPhone = str(rec(customer.defaultPhoneNumber).phoneNumber) ?? str(customer.phone);
	return compact({
		id: legacyId(order.id),
		admin_graphql_api_id: str(order.id),
		name: str(order.name),
		email: str(order.email),
		phone: str(order.phone),
		created_at: str(order.createdAt),
		updated_at: str(order.updatedAt),
		processed_at: str(order.processedAt),
		cancelled_at: str(order.cancelledAt),
		cancel_reason: lower(order.cancelReason),
		closed_at: str(order.closedAt),
		test: typeof order.test === 'boolean' ? order.test : undefined,
		tags: Array.isArray(order.tags) ? order.tags.join(', ') : str(order.tags),
		note: str(order.note),
		source_name: str(order.sourceName),
		currency: str(order.currencyCode) ?? total.currency,
		presentment_currency: str(order.presentmentCurrencyCode),
		total_price: total.amount,
		total_price_set: moneySetToWebhook(order.totalPriceSet),
		total_discounts: money(order.totalDiscountsSet).amount,
		discount_codes: discountCodes.length > 0 ? discountCodes.map((code) => ({ code })) : undefined,
		fulfillment_status: FULFILLMENT_STATUS[String(order.displayFulfillmentStatus)] ?? (order.displayFulfillmentStatus ? null : undefined),
		financial_status: lower(order.displayFinancialStatus),
		customer: isRecord(order.customer)
			? compact({
					id: legacyId(customer.id),
					email: customerEmail,
					phone: customerPhone,
					first_name: str(customer.firstName),
					last_name: str(customer.lastName),
					default_address: addressToWebhook(customer.defaultAddress),
				})
			: undefined,
		billing_address: addressToWebhook(order.billingAddress),
		shipping_address: addressToWebhook(order.shippingAddress),
		line_items: lines,
		fulfillments: fulfillments.length > 0 ? fulfillments : undefined,
		refunds: refunds.length > 0 ? refunds : undefined,
	});
}

/** Refund (GraphQL) → the refunds[] entry of an orders/updated webhook. */
export function refundToWebhook(refund: Json, orderId?: string): Json {
	const lines = nodesOf(refund.refundLineItems).map((l) => {
		const line = rec(l.lineItem);
		return compact({
			quantity: l.quantity,
			line_item_id: legacyId(line.id),
			line_item: compact({
				id: legacyId(line.id),
				product_id: legacyId(rec(line.product).id),
				variant_id: legacyId(rec(line.variant).id),
				sku: str(line.sku),
				name: str(line.name),
				title: str(line.title),
			}),
			subtotal: money(l.subtotalSet).amount,
			subtotal_set: moneySetToWebhook(l.subtotalSet),
			total_tax: money(l.totalTaxSet).amount,
			total_tax_set: moneySetToWebhook(l.totalTaxSet),
		});
	});
	let transactions = nodesOf(refund.transactions).map((t) => {
		const amount = money(t.amountSet);
		return compact({ id: legacyId(t.id), kind: lower(t.kind), status: lower(t.status), amount: amount.amount, currency: amount.currency });
	});
	// Without its transactions: the money returned is the refund's totalRefundedSet (what its
	// successful refund transactions add up to)
	const refunded = money(refund.totalRefundedSet);
	if (transactions.length === 0 && refunded.amount !== undefined) {
		transactions = [compact({ kind: 'refund', status: 'success', amount: refunded.amount, currency: refunded.currency })];
	}
	return compact({
		id: legacyId(refund.id),
		order_id: orderId,
		created_at: str(refund.createdAt),
		processed_at: str(refund.processedAt),
		note: str(refund.note),
		refund_line_items: lines,
		transactions: transactions.length > 0 ? transactions : undefined,
	});
}

/** Customer (GraphQL) → customers/update webhook payload. */
export function customerToWebhook(customer: Json): Json {
	const emailAddress = rec(customer.defaultEmailAddress);
	const phoneNumber = rec(customer.defaultPhoneNumber);
	const addresses = nodesOf(customer.addressesV2 ?? customer.addresses).map(addressToWebhook).filter(isRecord);
	return compact({
		id: legacyId(customer.id),
		admin_graphql_api_id: str(customer.id),
		email: str(emailAddress.emailAddress) ?? str(customer.email),
		phone: str(phoneNumber.phoneNumber) ?? str(customer.phone),
		first_name: str(customer.firstName),
		last_name: str(customer.lastName),
		verified_email: typeof customer.verifiedEmail === 'boolean' ? customer.verifiedEmail : undefined,
		state: lower(customer.state),
		tags: Array.isArray(customer.tags) ? customer.tags.join(', ') : str(customer.tags),
		note: str(customer.note),
		created_at: str(customer.createdAt),
		updated_at: str(customer.updatedAt),
		default_address: addressToWebhook(customer.defaultAddress),
		addresses: addresses.length > 0 ? addresses : undefined,
	});
}

/**
 * Customer (GraphQL) → the consent webhooks' payloads: customers_email_marketing_consent/update
 * (from defaultEmailAddress) and customers_marketing_consent/update (SMS, from defaultPhoneNumber).
 * Only channels with a marketing state and an update time (the consent's object-state clock).
 */
export function customerConsentToWebhooks(customer: Json): Array<{ topic: MappedTopic; payload: Json }> {
	const id = legacyId(customer.id);
	const out: Array<{ topic: MappedTopic; payload: Json }> = [];
	const email = rec(customer.defaultEmailAddress);
	const emailAt = str(email.marketingUpdatedAt);
	if (str(email.emailAddress) && str(email.marketingState) && emailAt) {
		out.push({
			topic: 'customers_email_marketing_consent/update',
			payload: compact({
				customer_id: id,
				email_address: str(email.emailAddress),
				email_marketing_consent: compact({ state: lower(email.marketingState), opt_in_level: lower(email.marketingOptInLevel), consent_updated_at: emailAt }),
			}),
		});
	}
	const phone = rec(customer.defaultPhoneNumber);
	const phoneAt = str(phone.marketingUpdatedAt);
	if (str(phone.phoneNumber) && str(phone.marketingState) && phoneAt) {
		out.push({
			topic: 'customers_marketing_consent/update',
			payload: compact({
				id,
				phone: str(phone.phoneNumber),
				sms_marketing_consent: compact({
					state: lower(phone.marketingState),
					opt_in_level: lower(phone.marketingOptInLevel),
					consent_updated_at: phoneAt,
					consent_collected_from: str(phone.marketingCollectedFrom),
				}),
			}),
		});
	}
	return out;
}
