'use strict';

module.exports = async () => {
	if (globalThis.__E2E_STACK__) await globalThis.__E2E_STACK__.stop();
};
