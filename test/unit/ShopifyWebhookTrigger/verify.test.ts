import {
	computeSignature,
	decodeSignatureHeader,
	verifyShopifyHmac,
} from '../../../nodes/ShopifyWebhookTrigger/verify';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { signShopifyBody } = require('../../../scripts/lib/shopify-delivery') as {
	signShopifyBody: (secret: string, body: string | Buffer, encoding?: string) => string;
};

const sign = (body: string | Buffer, secret: string) => signShopifyBody(secret, body);

describe('verifyShopifyHmac', () => {
	const secret = 'test_secret_key';
	const body = Buffer.from('{"foo": "bar"}');

	it('matches the public test vector', () => {
		expect(computeSignature(body, secret)).toBe('B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=');
		expect(
			verifyShopifyHmac(body, 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=', [secret]),
		).toEqual({ ok: true, secretIndex: 0 });
	});

	it('rejects a signature made with another secret', () => {
		expect(verifyShopifyHmac(body, sign(body, 'attacker'), [secret])).toEqual({
			ok: false,
			reason: 'mismatch',
		});
	});

	it('rejects a tampered body', () => {
		const header = sign(body, secret);
		expect(verifyShopifyHmac(Buffer.from('{"foo": "baz"}'), header, [secret])).toEqual({
			ok: false,
			reason: 'mismatch',
		});
		// Whitespace matters: the HMAC is over the exact bytes.
		expect(verifyShopifyHmac(Buffer.from('{"foo":"bar"}'), header, [secret]).ok).toBe(false);
	});

	it('rejects a truncated signature as malformed', () => {
		const header = sign(body, secret);
		expect(verifyShopifyHmac(body, header.slice(0, 40), [secret])).toEqual({
			ok: false,
			reason: 'malformed',
		});
		expect(verifyShopifyHmac(body, header.slice(0, -4), [secret])).toEqual({
			ok: false,
			reason: 'malformed',
		});
	});

	it('treats an absent or empty header as missing', () => {
		expect(verifyShopifyHmac(body, undefined, [secret])).toEqual({ ok: false, reason: 'missing' });
		expect(verifyShopifyHmac(body, '', [secret])).toEqual({ ok: false, reason: 'missing' });
		expect(verifyShopifyHmac(body, '   ', [secret])).toEqual({ ok: false, reason: 'missing' });
		expect(verifyShopifyHmac(body, null, [secret])).toEqual({ ok: false, reason: 'missing' });
	});

	it('rejects a hex-encoded digest as malformed', () => {
		const hex = signShopifyBody(secret, body, 'hex');
		expect(verifyShopifyHmac(body, hex, [secret])).toEqual({ ok: false, reason: 'malformed' });
	});

	it('rejects non-base64 garbage as malformed', () => {
		expect(verifyShopifyHmac(body, 'not base64!!', [secret])).toEqual({
			ok: false,
			reason: 'malformed',
		});
		expect(verifyShopifyHmac(body, 'sha256=' + sign(body, secret), [secret]).ok).toBe(false);
	});

	it('accepts the previous secret during a rotation and reports which one matched', () => {
		const header = sign(body, 'old_secret');
		expect(verifyShopifyHmac(body, header, ['new_secret', 'old_secret'])).toEqual({
			ok: true,
			secretIndex: 1,
		});
		expect(verifyShopifyHmac(body, sign(body, 'new_secret'), ['new_secret', 'old_secret'])).toEqual(
			{ ok: true, secretIndex: 0 },
		);
	});

	it('skips empty secrets and fails closed when none is configured', () => {
		expect(verifyShopifyHmac(body, sign(body, ''), ['', ''])).toEqual({
			ok: false,
			reason: 'mismatch',
		});
		expect(verifyShopifyHmac(body, sign(body, secret), [])).toEqual({
			ok: false,
			reason: 'mismatch',
		});
		expect(verifyShopifyHmac(body, sign(body, secret), ['', secret])).toEqual({
			ok: true,
			secretIndex: 1,
		});
	});

	it('verifies an empty body and non-ASCII bytes exactly', () => {
		const empty = Buffer.alloc(0);
		expect(verifyShopifyHmac(empty, sign(empty, secret), [secret]).ok).toBe(true);
		const utf8 = Buffer.from('{"name":"Zoë ✓"}', 'utf8');
		expect(verifyShopifyHmac(utf8, sign(utf8, secret), [secret]).ok).toBe(true);
	});

	it('tolerates surrounding whitespace in the header', () => {
		expect(verifyShopifyHmac(body, ` ${sign(body, secret)} `, [secret]).ok).toBe(true);
	});

	it('never throws on odd input', () => {
		expect(() =>
			verifyShopifyHmac(undefined as unknown as Buffer, 'x', [null, undefined, secret]),
		).not.toThrow();
	});
});

describe('decodeSignatureHeader', () => {
	it('decodes exactly 32 bytes of base64', () => {
		expect(decodeSignatureHeader('B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=')?.length).toBe(32);
		expect(decodeSignatureHeader(Buffer.alloc(16).toString('base64'))).toBeUndefined();
		expect(decodeSignatureHeader(Buffer.alloc(48).toString('base64'))).toBeUndefined();
	});
});
