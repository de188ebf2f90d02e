'use strict';
/** Reads .env (KEY=VALUE lines, # comments, optional quotes). Variables already in the environment win. */
const fs = require('node:fs');
const path = require('node:path');

function parseDotenv(text) {
	const out = {};
	for (const raw of text.split(/\r?\n/)) {
		const line = raw.trim();
		if (!line || line.startsWith('#')) continue;
		const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
		if (!m) continue;
		let value = m[2].trim();
		if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
			value = value.slice(1, -1);
		} else {
			value = value.replace(/\s+#.*$/, '');
		}
		out[m[1]] = value;
	}
	return out;
}

/** Merge .env under process.env (command-line variables win). Returns the merged map. */
function loadEnv(root, file = '.env') {
	const p = path.join(root, file);
	const fromFile = fs.existsSync(p) ? parseDotenv(fs.readFileSync(p, 'utf8')) : {};
	const merged = { ...fromFile };
	for (const [k, v] of Object.entries(process.env)) if (v !== undefined) merged[k] = v;
	return { env: merged, fromFile: Object.keys(fromFile), file: fs.existsSync(p) ? p : null };
}

module.exports = { parseDotenv, loadEnv };
