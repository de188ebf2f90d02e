import { createHmac } from 'crypto';
import { canonicalShopDomain, getShopifyHeader } from '../../../nodes/ShopifyWebhookTrigger/headers';
import { parseShopifyJson, quoteUnsafeIntegers } from '../../../nodes/ShopifyWebhookTrigger/parse';
import { verifyShopifyHmac } from '../../../nodes/ShopifyWebhookTrigger/verify';

/** Edges of parsing and signature checking that mutation testing found untested (test/MUTATION.md). */
describe('JSON with 64-bit ids: numbers that are not integers stay numbers', () => {
	it.each([
		['{"x":1e+9007199254740993}', { x: Infinity }],
		['{"x":1E9007199254740993}', { x: Infinity }],
		['{"x":1e-9007199254740993}', { x: 0 }],
		['{"x":2.9007199254740993}', { x: Number('2.9007199254740993') }],
		['{"x":-0.5e9007199254740993}', { x: -Infinity }],
		['[1.5,9007199254740993]', [1.5, '9007199254740993']],
		['[9007199254740993e0]', [Number('9007199254740993e0')]],
		['[-9007199254740993,-1]', ['-9007199254740993', -1]],
		['[0,9007199254740993]', [0, '9007199254740993']],
		['{"a":"x\\"9007199254740993","b":9007199254740993}', { a: 'x"9007199254740993', b: '9007199254740993' }],
	])('%s', (text, expected) => {
		expect(parseShopifyJson(text)).toEqual({ ok: true, value: expected });
	});

	it('a number at the very end of the text, and an unterminated string, are handled', () => {
		expect(quoteUnsafeIntegers('9007199254740993')).toBe('"9007199254740993"');
		expect(quoteUnsafeIntegers('1.5')).toBe('1.5');
		expect(quoteUnsafeIntegers('1e5')).toBe('1e5');
		expect(quoteUnsafeIntegers('"abc')).toBe('"abc');
		expect(quoteUnsafeIntegers('"a\\')).toBe('"a\\');
		expect(quoteUnsafeIntegers('-')).toBe('-');
		expect(quoteUnsafeIntegers('[-,9007199254740993]')).toBe('[-,"9007199254740993"]');
	});

	it('leading zeros are never made valid: 09007199254740993 stays invalid JSON', () => {
		expect(quoteUnsafeIntegers('[09007199254740993]')).toBe('[09007199254740993]');
		expect(parseShopifyJson('[09007199254740993]').ok).toBe(false);
	});

	it('empty and blank bodies are "empty body"; only a leading BOM is removed', () => {
		expect(parseShopifyJson('')).toEqual({ ok: false, reason: 'empty body' });
		expect(parseShopifyJson(' \n ')).toEqual({ ok: false, reason: 'empty body' });
		expect(parseShopifyJson('\uFEFF{"a":"x\uFEFFy"}')).toEqual({ ok: true, value: { a: 'x\uFEFFy' } });
		const bad = parseShopifyJson('{"a":');
		expect(bad.ok).toBe(false);
		expect((bad as { reason: string }).reason).not.toBe('');
	});
});

describe('signature edges', () => {
	const secret = 'shpss_secret';
	const body = Buffer.from('{"id":1}');
	const sig = createHmac('sha256', secret).update(body).digest('base64');

	it('a signature without its base64 padding is malformed, not accepted', () => {
		expect(sig.endsWith('=')).toBe(true);
		expect(verifyShopifyHmac(body, sig.replace(/=+$/, ''), [secret])).toEqual({ ok: false, reason: 'malformed' });
		expect(verifyShopifyHmac(body, `${sig}==`, [secret])).toEqual({ ok: false, reason: 'malformed' });
		expect(verifyShopifyHmac(body, sig.replace(/\+|\//g, '-'), [secret]).ok).toBe(sig.includes('+') || sig.includes('/') ? false : true);
	});

	it('a string body is verified over its bytes; the first matching secret is reported', () => {
		expect(verifyShopifyHmac('{"id":1}' as unknown as Buffer, sig, [secret])).toEqual({ ok: true, secretIndex: 0 });
		expect(verifyShopifyHmac(body, sig, ['', secret, secret])).toEqual({ ok: true, secretIndex: 1 });
		expect(verifyShopifyHmac(undefined as unknown as Buffer, createHmac('sha256', secret).update('').digest('base64'), [secret])).toEqual({ ok: true, secretIndex: 0 });
	});
});

describe('header edges', () => {
	it('the X-Shopify- header wins whatever the key order', () => {
		expect(getShopifyHeader({ 'shopify-topic': 'c/d', 'x-shopify-topic': 'a/b' }, 'Topic')).toBe('a/b');
	});

	it('only a leading scheme is removed', () => {
		expect(canonicalShopDomain('evil.comhttps://shop.myshopify.com')).toBe('evil.comhttps:');
	});
});
