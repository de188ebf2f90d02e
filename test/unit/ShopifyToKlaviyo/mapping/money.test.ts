import { normalizePhone, normalizeEmail } from '../../../nodes/ShopifyToKlaviyo/mapping/identity';
import { amount, currencyDecimals, sumMinor, timesQuantity, toMajor, toMinor } from '../../../nodes/ShopifyToKlaviyo/mapping/money';
import { uniqueIds } from '../../../nodes/ShopifyToKlaviyo/mapping/ids';
import { utcTime } from '../../../nodes/ShopifyToKlaviyo/mapping/util';

describe('money', () => {
	it('parses decimal strings to minor units', () => {
		expect(toMinor('49.99', 2, 't', 'f')).toBe(4999);
		expect(toMinor('50', 2, 't', 'f')).toBe(5000);
		expect(toMinor('0.5', 2, 't', 'f')).toBe(50);
		expect(toMinor('-10.00', 2, 't', 'f')).toBe(-1000);
		expect(toMinor(89.99, 2, 't', 'f')).toBe(8999);
		expect(toMinor('1.005', 2, 't', 'f')).toBe(101);
		expect(toMinor('1000.00', 0, 't', 'f')).toBe(1000);
		expect(toMinor('1.234', 3, 't', 'f')).toBe(1234);
	});

	it('rejects non-decimals with the field name', () => {
		for (const bad of ['abc', '', '1,00', null, undefined, {}, '1e5', NaN]) {
			expect(() => toMinor(bad, 2, 'orders/create', 'line_items[3].price')).toThrow('orders/create payload: line_items[3].price is not a decimal string');
		}
	});

	it('sums without float drift', () => {
		expect(0.1 + 0.2).not.toBe(0.3);
		expect(toMajor(sumMinor([toMinor('0.1', 2, 't', 'f'), toMinor('0.2', 2, 't', 'f')]), 2)).toBe(0.3);
		const many = Array(150).fill(toMinor('0.10', 2, 't', 'f'));
		expect(toMajor(sumMinor(many), 2)).toBe(15);
		expect(toMajor(timesQuantity(toMinor('19.99', 2, 't', 'f'), 3), 2)).toBe(59.97);
	});

	it('knows currency decimals', () => {
		expect(currencyDecimals('USD')).toBe(2);
		expect(currencyDecimals('jpy')).toBe(0);
		expect(currencyDecimals('KWD')).toBe(3);
		expect(currencyDecimals(undefined)).toBe(2);
		expect(amount('1500', 0, 't', 'f')).toBe(1500);
		expect(amount('12.345', 3, 't', 'f')).toBe(12.345);
	});
});

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

describe('ids and time', () => {
	it('builds deterministic unique ids', () => {
		expect(uniqueIds.orderPlaced('1')).toBe('shopify:order:1:placed');
		expect(uniqueIds.orderedProduct('1', '2')).toBe('shopify:order:1:line:2');
		expect(uniqueIds.orderFulfilled('1')).toBe('shopify:order:1:fulfilled');
		expect(uniqueIds.orderCancelled('1')).toBe('shopify:order:1:cancelled');
		expect(uniqueIds.refund('9')).toBe('shopify:refund:9');
		expect(uniqueIds.checkoutStarted('tok')).toBe('shopify:checkout:tok:started');
	});

	it('converts times to UTC without milliseconds', () => {
		expect(utcTime('2023-01-01T10:30:00-05:00', 't', 'f')).toBe('2023-01-01T15:30:00Z');
		expect(utcTime('2024-03-10T23:59:59.123+09:00', 't', 'f')).toBe('2024-03-10T14:59:59Z');
		expect(utcTime(null, 't', 'f')).toBeUndefined();
		expect(() => utcTime('yesterday', 'orders/create', 'created_at')).toThrow('orders/create payload: created_at is not an ISO 8601 date-time');
	});
});
