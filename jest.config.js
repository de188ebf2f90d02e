/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			roots: ['<rootDir>/test/unit'],
			testMatch: ['**/*.test.ts', '**/*.test.js'],
			transform: { '^.+\\.ts$': tsJest },
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			roots: ['<rootDir>/test/e2e'],
			testMatch: ['**/*.test.ts', '**/*.test.js'],
			transform: { '^.+\\.ts$': tsJest },
			// E2E_MODE=queue (npm test's second pass): the same tests against n8n in queue mode, plus
			// the queue-only ones (queue-*.test.js), which the main-mode pass leaves out
			// and *.main.test.js run in the main-mode pass only (nothing mode-specific in them: run once)
			testPathIgnorePatterns: process.env.E2E_MODE === 'queue' ? ['/node_modules/', '\\.main\\.test\\.js$'] : ['/node_modules/', '/queue-[^/]*\\.test\\.js$'],
			globalSetup: '<rootDir>/test/e2e/globalSetup.js',
			globalTeardown: '<rootDir>/test/e2e/globalTeardown.js',
			maxWorkers: 1,
		},
	],
};
