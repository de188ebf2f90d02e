#!/usr/bin/env node
'use strict';
/**
 * Start the fake Klaviyo from the command line.
 *
 *   node test/fake-klaviyo/cli.js --port 5680 [--host 127.0.0.1] [--no-rate-limits] [--scale 1]
 *                                 [--latency 0] [--accept-key-env VAR] [--faults '<json array>']
 *
 * FAKE_KLAVIYO_VERBOSE=1 logs one line per request ("METHOD /path STATUS Nms"); never keys or PII.
 */
const { createFakeKlaviyo } = require('./server');

function parseArgs(argv) {
	const out = { port: 5680, host: '127.0.0.1', rateLimits: true, scale: 1, latency: 0 };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
		const next = () => (inline !== undefined ? inline : argv[++i]);
		switch (flag) {
			case '--port':
			case '-p':
				out.port = Number(next());
				break;
			case '--host':
				out.host = next();
				break;
			case '--no-rate-limits':
				out.rateLimits = false;
				break;
			case '--rate-limits':
				out.rateLimits = true;
				break;
			case '--scale':
				out.scale = Number(next());
				break;
			case '--latency':
				out.latency = Number(next());
				break;
			case '--accept-key-env':
				out.acceptKeyEnv = next();
				break;
			case '--faults':
				out.faults = JSON.parse(next());
				break;
			case '--help':
			case '-h':
				out.help = true;
				break;
			default:
				throw new Error(`unknown argument: ${a}`);
		}
	}
	if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error('--port must be 0..65535');
	if (!(out.scale > 0)) throw new Error('--scale must be > 0');
	return out;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (err) {
		console.error(`fake Klaviyo: ${err.message}`);
		process.exit(2);
	}
	if (args.help) {
		console.log(
			'usage: node test/fake-klaviyo/cli.js [--port 5680] [--host 127.0.0.1] [--no-rate-limits] [--scale 1] [--latency ms] [--accept-key-env VAR] [--faults JSON]',
		);
		return;
	}
	const verbose = process.env.FAKE_KLAVIYO_VERBOSE === '1';
	const fake = createFakeKlaviyo({
		host: args.host,
		rateLimits: args.rateLimits,
		rateLimitScale: args.scale,
		latencyMs: args.latency,
		acceptKey: args.acceptKeyEnv ? process.env[args.acceptKeyEnv] || undefined : undefined,
		faults: args.faults,
		log: verbose ? (line) => console.log(`[fake-klaviyo] ${line}`) : undefined,
	});
	const { url } = await fake.start(args.port);
	console.log(`fake Klaviyo listening on ${url}`);
	let stopping = false;
	const stop = (sig) => {
		if (stopping) return;
		stopping = true;
		if (verbose) console.log(`[fake-klaviyo] ${sig}, stopping`);
		fake.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
		setTimeout(() => process.exit(0), 2000).unref();
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
	console.error(`fake Klaviyo failed to start: ${err.message}`);
	process.exit(1);
});
