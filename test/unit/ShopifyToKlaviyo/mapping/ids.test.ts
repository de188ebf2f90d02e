/** Deterministic unique_ids (mapping/ids.ts). */
import { uniqueIds } from '../../../../nodes/ShopifyToKlaviyo/mapping/ids';

describe('ids and time', () => {
	it('builds deterministic unique ids', () => {
		expect(uniqueIds.orderPlaced('1')).toBe('shopify:order:1:placed');
		expect(uniqueIds.orderedProduct('1', '2')).toBe('shopify:order:1:line:2');
		expect(uniqueIds.orderFulfilled('1')).toBe('shopify:order:1:fulfilled');
		expect(uniqueIds.orderCancelled('1')).toBe('shopify:order:1:cancelled');
		expect(uniqueIds.refund('9')).toBe('shopify:refund:9');
		expect(uniqueIds.checkoutStarted('tok')).toBe('shopify:checkout:tok:started');
	});
});
