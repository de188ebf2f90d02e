'use strict';
/** The foundation in real n8n: the pinned n8n runs, the package's nodes and credentials are loaded. */
const axios = require('axios');
const { stack, n8nApi } = require('./helpers');
const pkg = require('../../package.json');

function session() {
	const s = stack();
	return { headers: { cookie: s.cookie, 'browser-id': s.browserId } };
}

jest.setTimeout(180000);

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

	it('the public API answers (used by the tests to count executions)', async () => {
		const wf = await n8nApi('get', '/workflows');
		expect(Array.isArray(wf.data)).toBe(true);
	});
});
