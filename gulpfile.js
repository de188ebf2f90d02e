/**
 * Non-TypeScript build steps (tsc compiles the code; gulp handles the rest):
 *  - icons/*.svg → dist/icons/ (credentials and nodes refer to them as file:../icons/… / file:../../icons/…)
 *  - nodes/**\/*.{svg,png,json} → dist/nodes/ (node codex files and any per-node assets)
 *  - workflows/*.json → dist/workflows/ (the shipped workflows travel inside the npm package, so a user who
 *    installed it from the Community Nodes panel can import them from node_modules/<package>/dist/workflows/)
 *  - a check that every icon a built node or credential refers to exists in dist/
 */
const path = require('node:path');
const fs = require('node:fs');
const { src, dest, series } = require('gulp');

function copyIcons() {
	return src('icons/*.{svg,png}', { encoding: false }).pipe(dest('dist/icons/'));
}

function copyNodeAssets() {
	return src('nodes/**/*.{svg,png,json}', { encoding: false, allowEmpty: true }).pipe(dest('dist/nodes/'));
}

function copyWorkflows() {
	return src('workflows/*.json', { encoding: false }).pipe(dest('dist/workflows/'));
}

function checkIconReferences(done) {
	const pkg = require('./package.json');
	const missing = [];
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		const built = path.join(__dirname, file);
		if (!fs.existsSync(built)) {
			missing.push(`${file} (not built)`);
			continue;
		}
		const code = fs.readFileSync(built, 'utf8');
		for (const m of code.matchAll(/['"]file:([^'"]+)['"]/g)) {
			const icon = path.resolve(path.dirname(built), m[1]);
			if (!fs.existsSync(icon)) missing.push(`${file} → ${m[1]}`);
		}
	}
	if (missing.length) return done(new Error(`missing in dist/: ${missing.join(', ')}`));
	done();
}

exports['build:icons'] = copyIcons;
exports.build = series(copyIcons, copyNodeAssets, copyWorkflows, checkIconReferences);
exports.default = exports.build;
