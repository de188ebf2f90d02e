'use strict';
/**
 * Never go backwards (issue: ordering). Shopify does not order its deliveries: a customers/update whose
 * updated_at is an hour old, arriving after one from a minute ago, must not overwrite the newer profile
 * in Klaviyo. Tried as a new user would: two signed deliveries to the shipped workflow.
 */
const fs = require('node:fs');
const path = require('node:path');
const axios = require('axios');
const { SYNC, stack, deliver, klaviyoReset, settledExecutions, deliveryExecutions } = require('./helpers');

jest.setTimeout(180000);
const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shopify', name), 'utf8'));
const profile = async (email) => (await axios.get(`${stack().klaviyoUrl}/__admin/profiles`, { params: { email } })).data;

describe('never go backwards on the live path', () => {
	beforeEach(() => klaviyoReset());

	it('customers/update: newer then older (an hour old) → the newer profile stays in Klaviyo', async () => {
		const email = `order-${Date.now()}@example.com`;
		const base = { ...fixture('customer-blueprint.json'), id: 840000000000000001, email, phone: undefined };
		const now = Date.now();
		const newer = { ...base, first_name: 'Newer', updated_at: new Date(now - 60_000).toISOString() };
		const older = { ...base, first_name: 'Older', updated_at: new Date(now - 3600_000).toISOString() };
		const before = (await deliveryExecutions()).length;
		expect((await deliver('customers/update', newer, { eventId: `evt-newer-${now}` })).status).toBe(200);
		await settledExecutions(SYNC(), before + 1);
		expect((await deliver('customers/update', older, { eventId: `evt-older-${now}` })).status).toBe(200);
		await settledExecutions(SYNC(), before + 2);
		const found = await profile(email);
		expect(found.profiles).toHaveLength(1);
		expect(found.profiles[0].first_name).toBe('Newer');
		// and the older state was the one NOT sent: exactly one profile import reached Klaviyo
		const state = (await axios.get(`${stack().klaviyoUrl}/__admin/state`)).data;
		const imports = state.requests['POST /api/profile-import'] || {};
		expect((imports['200'] || 0) + (imports['201'] || 0)).toBe(1);
	});
});
