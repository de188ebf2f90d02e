/** What orders and checkouts share: line items, cart summary, money sets (mapping/cart.ts). */
import { cartSummary, moneySet, parseLines } from '../../../../nodes/ShopifyToKlaviyo/mapping/cart';
import { MappingError } from '../../../../nodes/ShopifyToKlaviyo/mapping';

describe('cart helpers', () => {
	it('parses line items into Items entries with exact row totals', () => {
		const lines = parseLines(
			[
				{ id: 11, product_id: 1, variant_id: '2', sku: null, title: 'Tea', variant_title: 'Green', price: '0.10', quantity: 3 },
				{ key: 'k2', name: 'Cup', price: '5', quantity: '2' },
				{ price: '1.00', quantity: 0 },
			],
			2,
			'checkouts/update',
		);
		expect(lines.map((l) => [l.id, l.name, l.quantity, l.rowTotalMinor])).toEqual([
			['11', 'Tea', 3, 30],
			['k2', 'Cup', 2, 1000],
			['index-2', undefined, 0, 0],
		]);
		expect(lines[0].item).toEqual({ ProductID: '1', VariantID: '2', Name: 'Tea', ProductName: 'Tea', VariantName: 'Green', Quantity: 3, Price: 0.1, RowTotal: 0.3 });
	});

	it('names the field of a bad line item', () => {
		expect(() => parseLines({}, 2, 'orders/create')).toThrow(new MappingError('orders/create', 'line_items', 'is not a list'));
		expect(() => parseLines([1], 2, 'orders/create')).toThrow('orders/create payload: line_items[0] is not an object');
		expect(() => parseLines([{ price: '1', quantity: -1 }], 2, 'orders/create')).toThrow('line_items[0].quantity is not a whole number');
		expect(() => parseLines([{ price: 'x', quantity: 1 }], 2, 'orders/create')).toThrow('line_items[0].price');
	});

	it('summarises the cart: names, count, discount codes and total, source', () => {
		const lines = parseLines([{ id: 1, name: 'A', price: '2.50', quantity: 2 }, { id: 2, title: 'B', price: '1', quantity: 1 }], 2, 'orders/create');
		expect(cartSummary({ total_discounts: '0.50', discount_codes: [{ code: 'BF' }, 'X', {}], source_name: 'web' }, lines, 2, 'orders/create')).toMatchObject({
			ItemNames: ['A', 'B'],
			ItemCount: 3,
			DiscountCodes: ['BF', 'X'],
			TotalDiscounts: 0.5,
			SourceName: 'web',
		});
		expect(cartSummary({}, [], 2, 'orders/create')).toMatchObject({ ItemNames: [], ItemCount: 0, DiscountCodes: undefined, TotalDiscounts: undefined });
	});

	it('reads Shopify money sets in shop or presentment money', () => {
		const set = { shop_money: { amount: '10.00', currency_code: 'USD' }, presentment_money: { amount: '9.00', currency_code: 'EUR' } };
		expect(moneySet(set, 'shop_money')).toEqual({ amount: '10.00', currency: 'USD' });
		expect(moneySet(set, 'presentment_money')).toEqual({ amount: '9.00', currency: 'EUR' });
		expect(moneySet(undefined, 'shop_money')).toEqual({ amount: undefined, currency: undefined });
	});
});
