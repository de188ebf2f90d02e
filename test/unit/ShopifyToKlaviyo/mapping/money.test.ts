/** Money in minor units (mapping/money.ts). */
import { amount, currencyDecimals, sumMinor, timesQuantity, toMajor, toMinor } from '../../../../nodes/ShopifyToKlaviyo/mapping/money';

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
