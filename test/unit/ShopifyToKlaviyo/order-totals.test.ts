import { mapDelivery } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { attrs, delivery, expectValid, fixture } from './helpers';

/**
 * An order whose total is NOT the sum of its lines: 2 × 25.00 + 10.00 = 60.00 of lines, a 10 %
 * discount code (−6.00), shipping (+5.00) and tax (+4.32) → total_price 63.32; subtotal_price 54.00.
 * Klaviyo's revenue (the event `value`) is what the customer paid: total_price. A mapper reading the
 * line sum, subtotal_price or total_line_items_price fails here (every other fixture has total = lines).
 */
describe('an order with tax, shipping and a discount code', () => {
	const order = fixture('order-tax-shipping-discount.json');

	it('the fixture really differs: total ≠ line sum ≠ subtotal', () => {
		const lines = (order.line_items as Array<{ price: string; quantity: number }>).reduce((s, l) => s + Number(l.price) * l.quantity, 0);
		expect(lines).toBe(60);
		expect([order.total_price, order.subtotal_price, order.total_line_items_price]).toEqual(['63.32', '54.00', '60.00']);
	});

	it('Placed Order: value and Value are total_price (63.32), exactly this event', () => {
		const { requests } = mapDelivery(delivery('orders/create', order));
		expectValid(requests);
		expect(requests[0]).toEqual({
			operation: 'event.create',
			summary: 'Placed Order #1042',
			topic: 'orders/create',
			idempotencyKey: 'my-store.myshopify.com:orders/create:ev-1',
			shop: 'my-store.myshopify.com',
			body: {
				data: {
					type: 'event',
					attributes: {
						properties: {
							OrderId: '5551002003004',
							OrderNumber: '#1042',
							Value: 63.32,
							Currency: 'USD',
							ItemNames: ['Mug - Blue', 'Tea'],
							ItemCount: 3,
							Items: [
								{ ProductID: '8001', VariantID: '8101', SKU: 'MUG-BLUE', Name: 'Mug - Blue', ProductName: 'Mug', VariantName: 'Blue', Vendor: 'Acme', Quantity: 2, Price: 25, RowTotal: 50 },
								{ ProductID: '8002', VariantID: '8202', SKU: 'TEA-1', Name: 'Tea', ProductName: 'Tea', Vendor: 'Acme', Quantity: 1, Price: 10, RowTotal: 10 },
							],
							DiscountCodes: ['SAVE10'],
							TotalDiscounts: 6,
							SourceName: 'web',
							Tags: ['returning', 'newsletter'],
							ShippingAddress: '9 Harbour Rd, Portland, OR 97201, United States',
						},
						time: '2026-03-14T08:15:00Z',
						value: 63.32,
						value_currency: 'USD',
						unique_id: 'shopify:order:5551002003004:placed',
						metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
						profile: { data: { type: 'profile', attributes: { email: 'kim@example.com', first_name: 'Kim', last_name: 'Lee' } } },
					},
				},
			},
		});
	});

	it('Ordered Product: value is the line total (price × quantity), one event per line keyed by the line id', () => {
		const { requests } = mapDelivery(delivery('orders/create', order));
		expect(requests.slice(1).map((r) => [attrs(r).unique_id, attrs(r).value, attrs(r).properties.RowTotal])).toEqual([
			['shopify:order:5551002003004:line:90001', 50, 50],
			['shopify:order:5551002003004:line:90002', 10, 10],
		]);
	});

	it('status events carry total_price too (Fulfilled, Cancelled)', () => {
		const updated = { ...order, fulfillment_status: 'fulfilled', cancelled_at: '2026-03-15T10:00:00Z', updated_at: '2026-03-15T10:00:00Z' };
		const { requests } = mapDelivery(delivery('orders/updated', updated));
		expect(requests.map((r) => [attrs(r).metric.data.attributes.name, attrs(r).value, attrs(r).properties.Value])).toEqual([
			['Fulfilled Order', 63.32, 63.32],
			['Cancelled Order', 63.32, 63.32],
		]);
	});
});
