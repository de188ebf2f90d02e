/** Who an event or profile belongs to (mapping/identity.ts). */
import { normalizeEmail, normalizePhone } from '../../../../nodes/ShopifyToKlaviyo/mapping/identity';

describe('identity', () => {
	it('normalises phones to E.164 when unambiguous', () => {
		expect(normalizePhone('+1 (555) 123-4567')).toBe('+15551234567');
		expect(normalizePhone('+15551234567')).toBe('+15551234567');
		expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
		expect(normalizePhone('+33 1 42 68 53 00')).toBe('+33142685300');
		expect(normalizePhone('(613) 555-0100', 'CA')).toBe('+16135550100');
		expect(normalizePhone('1-613-555-0100', 'US')).toBe('+16135550100');
	});

	it('drops ambiguous or invalid phones', () => {
		expect(normalizePhone('(613) 555-0100')).toBeUndefined(); // no country: ambiguous
		expect(normalizePhone('555-555-SHIP', 'US')).toBeUndefined();
		expect(normalizePhone('+1 555 123 4567 ext. 2')).toBeUndefined();
		expect(normalizePhone('123')).toBeUndefined();
		expect(normalizePhone('+0123456789')).toBeUndefined();
		expect(normalizePhone(null)).toBeUndefined();
		expect(normalizePhone('06 12 34 56 78', 'FR')).toBeUndefined();
	});

	it('validates emails loosely', () => {
		expect(normalizeEmail(' a@b.co ')).toBe('a@b.co');
		expect(normalizeEmail('nope')).toBeUndefined();
		expect(normalizeEmail(null)).toBeUndefined();
	});
});
