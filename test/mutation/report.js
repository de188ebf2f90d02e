#!/usr/bin/env node
'use strict';
/**
 * After `stryker run` (npm run test:mutation): turn Stryker's JSON report (test/mutation/mutation.json)
 * into the generated part of test/MUTATION.md — date, command, score per file, every surviving mutant
 * (file:line, mutator, replacement) and the line `mutation-score: N` a script can read. The hand-written
 * part (why each survivor is equivalent, or which test kills it) is kept: everything outside the
 * `<!-- generated -->` markers is left as it is.
 *
 * Score as Stryker computes it: (killed + timeout) / (killed + timeout + survived + no coverage);
 * compile errors (the TypeScript checker) and ignored mutants do not count.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const REPORT = path.join(__dirname, 'mutation.json');
const DOC = path.join(ROOT, 'test', 'MUTATION.md');
const BEGIN = '<!-- generated: test/mutation/report.js -->';
const END = '<!-- /generated -->';

function score(c) {
	const detected = c.Killed + c.Timeout;
	const valid = detected + c.Survived + c.NoCoverage;
	return valid === 0 ? 100 : (100 * detected) / valid;
}

function tally(mutants) {
	const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0, Ignored: 0 };
	for (const m of mutants) c[m.status] = (c[m.status] || 0) + 1;
	return c;
}

function main() {
	const report = JSON.parse(fs.readFileSync(REPORT, 'utf8'));
	const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
	const all = files.flatMap(([, f]) => f.mutants);
	const total = tally(all);
	const rows = files.map(([file, f]) => {
		const c = tally(f.mutants);
		return `| ${path.relative(ROOT, path.resolve(ROOT, file))} | ${score(c).toFixed(1)} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.CompileError} |`;
	});
	const survivors = files.flatMap(([file, f]) =>
		f.mutants
			.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
			.sort((a, b) => a.location.start.line - b.location.start.line)
			.map((m) => `- \`${path.relative(ROOT, path.resolve(ROOT, file))}:${m.location.start.line}\` ${m.mutatorName}${m.status === 'NoCoverage' ? ' (no coverage)' : ''}: \`${String(m.replacement ?? '').replace(/\s+/g, ' ').replace(/`/g, "'").slice(0, 100)}\``),
	);
	const generated = [
		BEGIN,
		`Run: ${new Date().toISOString().slice(0, 10)}, \`npm run test:mutation\` (StrykerJS ${report.frameworkVersion ?? ''}, jest runner, TypeScript checker, perTest coverage, incremental; config \`stryker.config.json\`).`,
		'',
		`mutation-score: ${score(total).toFixed(1)}`,
		'',
		`${all.length} mutants: ${total.Killed} killed, ${total.Timeout} timed out, ${total.Survived} survived, ${total.NoCoverage} without coverage, ${total.CompileError} rejected by the TypeScript checker.`,
		'',
		'| file | score % | killed | timeout | survived | no coverage | compile error |',
		'| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows,
		'',
		`Surviving mutants (${survivors.length}; each is explained below):`,
		'',
		...(survivors.length ? survivors : ['- none']),
		END,
	].join('\n');
	let doc = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : `# Mutation testing\n\n${BEGIN}\n${END}\n`;
	const i = doc.indexOf(BEGIN);
	const j = doc.indexOf(END);
	doc = i >= 0 && j > i ? doc.slice(0, i) + generated + doc.slice(j + END.length) : `${doc.trimEnd()}\n\n${generated}\n`;
	fs.writeFileSync(DOC, doc);
	process.stdout.write(`mutation-score: ${score(total).toFixed(1)} (${all.length} mutants) → ${path.relative(ROOT, DOC)}\n`);
}

main();
