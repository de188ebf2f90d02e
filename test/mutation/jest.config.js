/**
 * Jest config for mutation testing (stryker.config.json, `npm run test:mutation`): the unit tests of
 * the mutated pure cores only — never the e2e project (its globalSetup starts n8n).
 * @type {import('jest').Config}
 */
const path = require('node:path');

module.exports = {
	rootDir: path.resolve(__dirname, '..', '..'),
	testEnvironment: 'node',
	roots: [
		'<rootDir>/test/unit/ShopifyToKlaviyo',
		'<rootDir>/test/unit/ShopifyWebhookTrigger',
		'<rootDir>/test/unit/Klaviyo',
		'<rootDir>/test/unit/shared',
	],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	// The cores must be pinned down by their own tests: node-level tests (n8n contexts, nock, the
	// in-process fake Klaviyo with a real clock) cover them only incidentally and cost seconds per
	// mutant. They run in npm test, not here.
	testPathIgnorePatterns: [
		'/node_modules/',
		'/test/unit/Klaviyo/(fake-faults|big-order-fake|node|transport|redact|importErrors|endpoints)\\.test\\.ts$',
		'/test/unit/ShopifyToKlaviyo/node\\.test\\.ts$',
		'/test/unit/ShopifyWebhookTrigger/(ShopifyWebhookTrigger\\.node|subscriptions)\\.test\\.ts$',
	],
	// instrumented code on a busy 2-core machine: the real-clock tests need more than jest's 5 s
	testTimeout: 30000,
	// type errors of a mutant are the TypeScript checker's job; ts-jest only transpiles here
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
};
