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
	// type errors of a mutant are the TypeScript checker's job; ts-jest only transpiles here
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
};
