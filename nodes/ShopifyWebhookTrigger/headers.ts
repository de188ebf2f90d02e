/**
 * Shopify delivery headers. Pure: no n8n imports.
 *
 * Shopify sends `X-Shopify-Topic`, `X-Shopify-Hmac-Sha256`, … and, on newer deliveries, the same
 * headers without the `X-` prefix (`shopify-topic`, …). Node lower-cases incoming header names,
 * but lookups here are case-insensitive anyway so plain objects in tests behave the same.
 */
import type { ShopifyDeliveryItem } from '../shared/contract';

export type HeaderBag = Record<string, string | string[] | number | undefined | null>;

export type ShopifyHeaderName =
	| 'Topic'
	| 'Hmac-Sha256'
	| 'Shop-Domain'
	| 'API-Version'
	| 'Webhook-Id'
	| 'Event-Id'
	| 'Triggered-At';

/** The delivery metadata the trigger emits (see ShopifyDeliveryItem), plus the signature. */
export type ShopifyDeliveryHeaders = Pick<
	ShopifyDeliveryItem,
	'topic' | 'shop' | 'apiVersion' | 'webhookId' | 'eventId' | 'triggeredAt'
> & {
	/** The signature header value, for verification only: never log or echo it. */
	hmac: string | undefined;
};

function firstValue(value: HeaderBag[string]): string | undefined {
	if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
	if (value === undefined || value === null) return undefined;
	return String(value);
}

/** Case-insensitive lookup of one Shopify header, prefixed (`X-Shopify-…`) or not (`Shopify-…`). */
export function getShopifyHeader(
	headers: HeaderBag | undefined,
	name: ShopifyHeaderName,
): string | undefined {
	if (!headers) return undefined;
	const wanted = [`x-shopify-${name.toLowerCase()}`, `shopify-${name.toLowerCase()}`];
	for (const candidate of wanted) {
		if (Object.prototype.hasOwnProperty.call(headers, candidate)) {
			const value = firstValue(headers[candidate]);
			if (value !== undefined) return value.trim();
		}
	}
	for (const key of Object.keys(headers)) {
		if (wanted.includes(key.toLowerCase())) {
			const value = firstValue(headers[key]);
			if (value !== undefined) return value.trim();
		}
	}
	return undefined;
}

export function readShopifyHeaders(headers: HeaderBag | undefined): ShopifyDeliveryHeaders {
	return {
		topic: (getShopifyHeader(headers, 'Topic') ?? '').toLowerCase(),
		shop: (getShopifyHeader(headers, 'Shop-Domain') ?? '').toLowerCase(),
		apiVersion: getShopifyHeader(headers, 'API-Version') ?? '',
		webhookId: getShopifyHeader(headers, 'Webhook-Id') ?? '',
		eventId: getShopifyHeader(headers, 'Event-Id') ?? '',
		triggeredAt: getShopifyHeader(headers, 'Triggered-At') ?? '',
		hmac: getShopifyHeader(headers, 'Hmac-Sha256'),
	};
}

/** A shop domain as typed in a credential or sent in X-Shopify-Shop-Domain: lower case, no scheme, no path. */
export function canonicalShopDomain(value: unknown): string {
	if (typeof value !== 'string') return '';
	return value
		.trim()
		.toLowerCase()
		.replace(/^https?:\/\//, '')
		.replace(/\/.*$/, '');
}

/**
 * Whether a delivery is for the credential's shop. An app installed on several shops signs every
 * shop's webhooks with the same secret, so a valid signature alone does not say which shop it is.
 * A credential without a shop domain accepts every shop.
 */
export function isCredentialShop(credentialShopDomain: unknown, deliveryShop: string): boolean {
	const expected = canonicalShopDomain(credentialShopDomain);
	if (expected === '') return true;
	return canonicalShopDomain(deliveryShop) === expected;
}
