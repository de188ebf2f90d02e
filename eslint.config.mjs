import { config } from '@n8n/node-cli/eslint';

export default [
	// Stryker's sandboxes (npm run test:mutation) are copies of the project, not sources
	{ ignores: ['.stryker-tmp/**'] },
	...config,
];
