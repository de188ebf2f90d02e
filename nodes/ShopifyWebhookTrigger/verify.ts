import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Shopify webhook signature verification. Pure: no n8n imports, never throws.
 *
 * Shopify signs each delivery with HMAC-SHA256 over the exact request bytes, keyed with the
 * app's API secret key (or the key shown in Settings → Notifications → Webhooks), and sends the
 * base64-encoded digest in `X-Shopify-Hmac-Sha256`.
 */
export type VerifyResult =
	| { ok: true; secretIndex: number }
	| { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

const SHA256_BYTES = 32;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes a base64 HMAC header into its 32 digest bytes, or returns undefined if it is not one. */
export function decodeSignatureHeader(header: string): Buffer | undefined {
	const value = header.trim();
	if (value.length === 0 || value.length % 4 !== 0 || !BASE64_RE.test(value)) return undefined;
	const bytes = Buffer.from(value, 'base64');
	return bytes.length === SHA256_BYTES ? bytes : undefined;
}

/** The base64 HMAC-SHA256 Shopify would send for `rawBody` signed with `secret`. */
export function computeSignature(rawBody: Buffer, secret: string): string {
	return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Checks `header` against HMAC-SHA256(rawBody) for each secret in order (current first, then the
 * previous one during a rotation). Empty secrets are skipped; with no usable secret every delivery
 * is rejected ('mismatch'), so a missing configuration fails closed.
 */
export function verifyShopifyHmac(
	rawBody: Buffer,
	header: string | undefined | null,
	secrets: ReadonlyArray<string | undefined | null>,
): VerifyResult {
	try {
		if (typeof header !== 'string' || header.trim() === '') return { ok: false, reason: 'missing' };
		const provided = decodeSignatureHeader(header);
		if (!provided) return { ok: false, reason: 'malformed' };
		const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(String(rawBody ?? ''));

		let matched = -1;
		secrets.forEach((secret, index) => {
			if (typeof secret !== 'string' || secret === '') return;
			const expected = createHmac('sha256', secret).update(body).digest();
			// Lengths are both 32 here; check anyway, timingSafeEqual throws on unequal lengths.
			if (expected.length === provided.length && timingSafeEqual(expected, provided)) {
				if (matched === -1) matched = index;
			}
		});
		return matched === -1 ? { ok: false, reason: 'mismatch' } : { ok: true, secretIndex: matched };
	} catch {
		return { ok: false, reason: 'mismatch' };
	}
}
