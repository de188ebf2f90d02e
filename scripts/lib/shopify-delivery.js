'use strict';
/**
 * Signed Shopify deliveries for the demo, the benchmarks and the tests: the one place that signs
 * them. Shopify's X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of the raw body bytes with the
 * app's client secret. (The trigger's own check is nodes/ShopifyWebhookTrigger/verify.ts.)
 */
const crypto = require('node:crypto');

/** The signature of `rawBody` (Buffer or string) with `secret`; `encoding` other than base64 only to test rejections. */
function signShopifyBody(secret, rawBody, encoding = 'base64') {
	return crypto.createHmac('sha256', String(secret)).update(rawBody).digest(encoding);
}

/**
 * The X-Shopify-* headers Shopify sends with a delivery (lower-case names, as Node receives them),
 * signed over `body`. Event and webhook ids are fresh UUIDs unless given.
 */
function shopifyDeliveryHeaders({ topic, shop, secret, body, apiVersion = '2026-10', eventId, webhookId, triggeredAt }) {
	return {
		'x-shopify-topic': topic,
		'x-shopify-shop-domain': shop,
		'x-shopify-api-version': apiVersion,
		'x-shopify-webhook-id': webhookId || crypto.randomUUID(),
		'x-shopify-event-id': eventId || crypto.randomUUID(),
		'x-shopify-triggered-at': triggeredAt || new Date().toISOString(),
		'x-shopify-hmac-sha256': signShopifyBody(secret, body),
	};
}

module.exports = { signShopifyBody, shopifyDeliveryHeaders };
