'use strict';
/** Stops every process the stack started (workers, n8n, Redis, fake Klaviyo), also after failed tests. */
module.exports = async () => {
	if (globalThis.__E2E_STACK__) await globalThis.__E2E_STACK__.stop();
};
