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
	// real-clock tests against the in-process fake Klaviyo cover the cores only incidentally and take
	// seconds each: left out here (they run in npm test)
	testPathIgnorePatterns: ['/node_modules/', '/test/unit/Klaviyo/fake-faults\\.test\\.ts$', '/test/unit/Klaviyo/big-order-fake\\.test\\.ts$'],
	// instrumented code on a busy 2-core machine: the real-clock tests need more than jest's 5 s
	testTimeout: 30000,
	// type errors of a mutant are the TypeScript checker's job; ts-jest only transpiles here
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
};
