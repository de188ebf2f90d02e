'use strict';
/** The foundation in real n8n: the pinned n8n runs, the package's nodes and credentials are loaded. */
const axios = require('axios');
const { stack, n8nApi } = require('./helpers');
const pkg = require('../../package.json');

function session() {
	const s = stack();
	return { headers: { cookie: s.cookie, 'browser-id': s.browserId } };
}

describe('foundation: the pinned n8n with this package', () => {
	it('runs n8n 2.41.1', async () => {
		const s = stack();
		const res = await axios.get(`${s.baseUrl}/rest/settings`, session());
		expect(res.data.data.versionCli).toBe('2.41.1');
	});

	it('loads every node and credential listed in package.json', async () => {
		const s = stack();
		const nodes = (await axios.get(`${s.baseUrl}/types/nodes.json`, session())).data.map((n) => n.name);
		const creds = (await axios.get(`${s.baseUrl}/types/credentials.json`, session())).data.map((c) => c.name);
		expect(nodes).toEqual(
			expect.arrayContaining([
				`${pkg.name}.shopifyWebhookTrigger`,
				`${pkg.name}.shopifyToKlaviyo`,
				`${pkg.name}.klaviyo`,
			]),
		);
		expect(creds).toEqual(expect.arrayContaining(['shopifyWebhookApi', 'klaviyoPrivateKeyApi']));
	});

	it('the Klaviyo credential test passes inside n8n against the sandbox, and fails on a wrong key', async () => {
		const s = stack();
		const test = (privateKey) =>
			axios.post(
				`${s.baseUrl}/rest/credentials/test`,
				{
					credentials: {
						id: 'probe',
						name: 'probe',
						type: 'klaviyoPrivateKeyApi',
						data: { privateKey, revision: '2026-10-15', baseUrl: s.klaviyoUrl },
					},
				},
				session(),
			);
		const ok = await test(s.klaviyoKey);
		expect(ok.data.data.status).toBe('OK');
		const bad = await test('pk_wrong');
		expect(bad.data.data.status).toBe('Error');
	});

	it('the public API answers (used by the tests to count executions)', async () => {
		const wf = await n8nApi('get', '/workflows');
		expect(Array.isArray(wf.data)).toBe(true);
	});
});
