'use strict';
/**
 * Every Code node of the shipped workflows is run by a unit test (as n8n runs it, see harness.js),
 * and the replay's "Superseded or replay" decision: a letter is replayed unless Shopify has since
 * delivered newer state of the same object — never a replay that undoes newer state.
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

describe('Superseded or replay (replay-decide)', () => {
	const letter = (letterId, objectKey, ms) => ({ letterId, objectKey, objectUpdatedAtMs: ms, status: 'pending' });
	const row = (objectKey, ms, at) => ({ objectKey, objectUpdatedAtMs: ms, objectUpdatedAt: at });
	const decide = (letters, rows) => run('Superseded or replay', { input: rows, nodes: { 'Letters and their objects': letters } });

	it('a letter whose object has newer state is superseded by the newest; the others are replayed', () => {
		const out = decide(
			[letter('a', 'order:1', 1000), letter('b', 'order:2', 5000), letter('c', 'order:3', 7000)],
			[row('order:1', 2000, '2026-03-01T10:00:02.000Z'), row('order:1', 3000, '2026-03-01T10:00:03.000Z'), row('order:2', 5000, '2026-03-01T10:00:05.000Z'), row('order:3', 6000, '2026-03-01T10:00:06.000Z')],
		);
		expect(out).toEqual([
			{ ...letter('a', 'order:1', 1000), supersededBy: '2026-03-01T10:00:03.000Z' },
			// the same time is not newer: its own delivery is replayed
			{ ...letter('b', 'order:2', 5000), supersededBy: '' },
			// older state delivered since is no reason to hold it back
			{ ...letter('c', 'order:3', 7000), supersededBy: '' },
		]);
	});

	it('no rows at all (the lookup emits one empty item): every letter is replayed', () => {
		expect(decide([letter('a', 'order:1', 1000)], [{}])).toEqual([{ ...letter('a', 'order:1', 1000), supersededBy: '' }]);
	});

	it('a row without its ISO time still supersedes, named by its milliseconds', () => {
		expect(decide([letter('a', 'customer:9', 1000)], [{ objectKey: 'customer:9', objectUpdatedAtMs: '4000' }])).toEqual([
			{ ...letter('a', 'customer:9', 1000), supersededBy: '4000' },
		]);
	});
});
