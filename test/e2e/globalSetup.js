'use strict';
const { startStack } = require('./stack');

module.exports = async () => {
	const port = Number(process.env.E2E_N8N_PORT || 5700);
	const stack = await startStack({ name: 'e2e', port, klaviyoPort: port + 1 });
	globalThis.__E2E_STACK__ = stack;
};
