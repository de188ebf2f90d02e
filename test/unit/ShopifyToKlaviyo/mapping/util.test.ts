/** Reading Shopify JSON and times (mapping/util.ts). */
import { utcTime } from '../../../../nodes/ShopifyToKlaviyo/mapping/util';

describe('ids and time', () => {
	it('converts times to UTC without milliseconds', () => {
		expect(utcTime('2023-01-01T10:30:00-05:00', 't', 'f')).toBe('2023-01-01T15:30:00Z');
		expect(utcTime('2024-03-10T23:59:59.123+09:00', 't', 'f')).toBe('2024-03-10T14:59:59Z');
		expect(utcTime(null, 't', 'f')).toBeUndefined();
		expect(() => utcTime('yesterday', 'orders/create', 'created_at')).toThrow('orders/create payload: created_at is not an ISO 8601 date-time');
	});
});
