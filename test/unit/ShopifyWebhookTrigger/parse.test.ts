import { parseShopifyJson, quoteUnsafeIntegers } from '../../../nodes/ShopifyWebhookTrigger/parse';

function value(text: string): unknown {
	const result = parseShopifyJson(text);
	if (!result.ok) throw new Error(result.reason);
	return result.value;
}

describe('parseShopifyJson', () => {
	it('keeps 18-digit ids intact as strings', () => {
		const parsed = value('{"id":820982911946154508,"customer":{"id": 115310627314723954}}');
		expect(parsed).toEqual({
			id: '820982911946154508',
			customer: { id: '115310627314723954' },
		});
		// Plain JSON.parse would have corrupted it:
		expect(String(JSON.parse('{"id":820982911946154508}').id)).not.toBe('820982911946154508');
	});

	it('leaves safe integers as numbers', () => {
		expect(value('{"a":9007199254740991,"b":-9007199254740991,"c":0,"d":-0,"e":42}')).toEqual({
			a: 9007199254740991,
			b: -9007199254740991,
			c: 0,
			d: -0,
			e: 42,
		});
	});

	it('quotes unsafe negative integers and the first unsafe value 2^53', () => {
		expect(value('[-820982911946154508, 9007199254740992]')).toEqual([
			'-820982911946154508',
			'9007199254740992',
		]);
	});

	it('handles nested arrays and objects', () => {
		expect(
			value(
				'{"line_items":[{"id":866550311766439020,"qty":1,"props":[{"v":487817672276298554}]}]}',
			),
		).toEqual({
			line_items: [{ id: '866550311766439020', qty: 1, props: [{ v: '487817672276298554' }] }],
		});
	});

	it('does not touch digits inside strings, including with escapes', () => {
		const text =
			'{"note":"order 820982911946154508","q":"say \\"123456789012345678901\\" ok","b":"\\\\","n":820982911946154508,"u":"\\u0031"}';
		expect(value(text)).toEqual({
			note: 'order 820982911946154508',
			q: 'say "123456789012345678901" ok',
			b: '\\',
			n: '820982911946154508',
			u: '1',
		});
	});

	it('leaves floats and exponents untouched', () => {
		expect(
			value(
				'{"price":"10.00","f":1234567890123456789.5,"e":1e21,"g":-2.5E-3,"h":12345678901234567890e0}',
			),
		).toEqual({
			price: '10.00',
			f: Number('1234567890123456789.5'),
			e: 1e21,
			g: -2.5e-3,
			h: Number('12345678901234567890e0'),
		});
	});

	it('returns the text unchanged when nothing needs quoting', () => {
		const text = '{"a":1,"b":[true,false,null],"c":"x"}';
		expect(quoteUnsafeIntegers(text)).toBe(text);
	});

	it('rejects invalid JSON without throwing', () => {
		for (const bad of [
			'',
			'   ',
			'{',
			'{"a":}',
			'not json',
			'{"a":0123456789012345678901}',
			'{"a":1,}',
		]) {
			const result = parseShopifyJson(bad);
			expect(result.ok).toBe(false);
		}
	});

	it('accepts a Buffer with a UTF-8 BOM and non-ASCII text', () => {
		const buffer = Buffer.concat([
			Buffer.from([0xef, 0xbb, 0xbf]),
			Buffer.from('{"name":"Zoë","id":820982911946154508}', 'utf8'),
		]);
		expect(value(buffer as unknown as string)).toEqual({ name: 'Zoë', id: '820982911946154508' });
	});
});
