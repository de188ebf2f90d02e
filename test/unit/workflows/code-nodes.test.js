'use strict';
/**
 * Every Code node of the shipped workflows is run by a unit test (as n8n runs it, see harness.js):
 * a new Code node without a test fails here.
 */
const fs = require('node:fs');
const path = require('node:path');
const { renderedWorkflows, run } = require('./harness');

describe('every Code node of the shipped workflows has a test', () => {
	const tests = fs
		.readdirSync(__dirname)
		.filter((f) => f.endsWith('.test.js'))
		.map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8'))
		.join('\n');
	const codeNodes = Object.entries(renderedWorkflows()).flatMap(([file, text]) =>
		JSON.parse(text)
			.nodes.filter((n) => n.type === 'n8n-nodes-base.code')
			.map((n) => [file, n.name]),
	);

	it('finds the Code nodes', () => {
		expect(codeNodes.length).toBeGreaterThanOrEqual(10);
	});

	it.each(codeNodes)('%s: "%s" is run by a test in test/unit/workflows', (_file, name) => {
		expect(tests.includes(`run('${name}'`) || tests.includes(`run(\n\t\t'${name}'`)).toBe(true);
	});
});
