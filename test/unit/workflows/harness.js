'use strict';
/**
 * Runs the shipped workflows' Code nodes as n8n runs them: the node's JavaScript (taken from the
 * workflows that workflows/src/build.js GENERATES, so replay-select carries the compiled objectState)
 * as a function body with $, $input, $execution and $env in scope.
 *
 * build.js is loaded in a child process: jest's module registry (and coverage instrumentation)
 * would change the Function.prototype.toString() that build.js turns into the Code nodes.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..', '..');
const OBJECT_STATE = path.join(ROOT, 'dist', 'nodes', 'shared', 'objectState.js');

let rendered;
/** { 'shopify-to-klaviyo.json': '<rendered text>', … } as build.js renders them now */
function renderedWorkflows() {
	if (rendered) return rendered;
	// build.js copies dist/nodes/shared/objectState.js into a Code node: compile when missing (tsc only,
	// so the committed workflow files are not regenerated under the test's feet)
	if (!fs.existsSync(OBJECT_STATE)) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
	const script =
		"const b = require('./workflows/src/build.js');" +
		'process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(b.WORKFLOWS).map(([f, w]) => [f, b.render(w)]))));';
	rendered = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
	return rendered;
}

function codeOf(nodeName) {
	for (const text of Object.values(renderedWorkflows())) {
		const node = JSON.parse(text).nodes.find((n) => n.name === nodeName);
		if (node) {
			if (node.type !== 'n8n-nodes-base.code') throw new Error(`${nodeName} is not a Code node`);
			return node.parameters.jsCode;
		}
	}
	throw new Error(`no Code node named "${nodeName}" in the generated workflows`);
}

/**
 * Runs Code node `nodeName`. `input`: the json of its input items; `nodes`: json items of the nodes
 * that ran in this execution ($(name).isExecuted true); `throwing`: node names whose $(name) throws
 * (n8n: a node that is not in the workflow / not connected); a node with several outputs is given as
 * { outputs: [[…], […]] }, one that ran several times as { runs: [run 0, run 1, …] }; `env`: $env (undefined = n8n's default,
 * access blocked). Returns the json of the output items.
 */
function run(nodeName, { input = [], nodes = {}, throwing = [], execution = { id: '1000' }, env } = {}) {
	const items = (list) => list.map((json) => ({ json }));
	const $input = { all: () => items(input), first: () => items(input)[0] };
	const $ = (name) => {
		if (throwing.includes(name)) throw new Error(`Referenced node doesn't exist: "${name}"`);
		const ran = Object.prototype.hasOwnProperty.call(nodes, name);
		// a node with several outputs: { outputs: [[…output 0], [… output 1]] }, read with all(i) / first(i)
		// a node that ran several times in the execution: { runs: [run 0, run 1, …] } (each as above),
		// read with all(output, runIndex); a run that did not happen throws, as in n8n
		const list = (output = 0, runIndex) => {
			if (!ran) throw new Error(`Node "${name}" hasn't been executed`);
			const runs = nodes[name] && Array.isArray(nodes[name].runs) ? nodes[name].runs : [nodes[name]];
			const r = runIndex === undefined ? runs.length - 1 : runIndex;
			if (r < 0 || r >= runs.length) throw new Error(`Run ${r} of node "${name}" not found`);
			const data = runs[r];
			return items(Array.isArray(data) ? data : data.outputs[output] || []);
		};
		return { isExecuted: ran, all: list, first: (output) => list(output)[0] };
	};
	const $env =
		env ??
		new Proxy({}, {
			get() {
				throw new Error('access to env vars denied');
			},
		});
	// eslint-disable-next-line no-new-func
	const fn = new Function('$', '$input', '$execution', '$env', codeOf(nodeName));
	const out = fn($, $input, execution, $env);
	if (!Array.isArray(out)) throw new Error(`${nodeName} returned ${typeof out}, not an array of items`);
	for (const item of out) if (!item || typeof item.json !== 'object') throw new Error(`${nodeName} returned an item without json`);
	return out.map((i) => i.json);
}

module.exports = { ROOT, OBJECT_STATE, renderedWorkflows, codeOf, run };
