'use strict';
/**
 * All n8n benchmarks in one go, bounded in time (≈ 30 min on 2 cores with the defaults), loopback only:
 *
 *   a) webhook   bench/webhook.js     our sync vs a bare Webhook → Respond to Webhook, 10/50 concurrent
 *   b) drain     bench/drain.js       5 000 orders at once against Klaviyo's real limits
 *   c) hand-built bench/hand-built.js the same drain through a hand-built Webhook + Code + HTTP Request flow
 *   d) queue     bench/queue.js       main mode vs queue mode with 1 and 2 workers (smaller drain + webhook path)
 *
 *   npm run bench                                   # everything, then rewrites the tables in bench/RESULTS.md
 *   node bench/run.js --only webhook,drain          # some parts (their RESULTS.md sections only)
 *   node bench/run.js --render                      # no measuring: tables from bench/out/*.json
 *   node bench/run.js --no-update                   # do not touch bench/RESULTS.md
 *
 * Shrink it: BENCH_SECONDS (webhook cell, 15), BENCH_WARMUP (3), BENCH_ORDERS (drain + hand-built, 5000),
 * BENCH_QUEUE_ORDERS (1000), BENCH_QUEUE_SECONDS (10), BENCH_WEBHOOK_SETTINGS (defaults,lazy,tuned),
 * BENCH_DRAIN_SETTINGS (lazy), BENCH_HAND_SETTINGS (lazy), BENCH_QUEUE_MODES (main,queue1,queue2),
 * BENCH_QUEUE_SETTINGS (lazy), BENCH_KLAVIYO_SCALE (1: the fake's limits for drain + hand-built).
 *
 * Writes bench/out/<part>.json, bench/out/results.json and bench/out/results.md (the tables), and
 * replaces the text between the <!-- bench:<part>:start/end --> markers of bench/RESULTS.md.
 */
const fs = require('node:fs');
const path = require('node:path');
const c = require('./lib/common');

const PARTS = ['webhook', 'drain', 'hand-built', 'queue'];
const RESULTS_MD = path.join(c.ROOT, 'bench', 'RESULTS.md');

const pct = (x) => (x === null || x === undefined ? '–' : `${Math.round(x * 100)} %`);
const ms = (v) => (v === null || v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
const num = (v) => (v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US'));

function machineLine(m) {
	return (
		`${m.date.slice(0, 16).replace('T', ' ')} UTC · ${m.nproc} × ${m.cpu} · ${m.ramGiB} GiB RAM · ${m.os} · ` +
		`n8n ${m.n8n} on Node ${m.n8nNode} (bench on ${m.hostNode}) · load average at start ${m.loadAverageAtStart.join(' / ')}`
	);
}

function envLabel(env) {
	const keys = Object.entries(env || {});
	return keys.length ? keys.map(([k, v]) => `\`${k}=${v}\``).join(' ') : 'n8n defaults';
}

function renderWebhook(r) {
	const out = [];
	out.push(`_${machineLine(r.machine)}_  `);
	out.push(`\`${r.machine.command}\` — ${r.seconds} s per cell after ${r.warmup} s warm-up; fake Klaviyo \`--no-rate-limits\`.`);
	out.push('');
	out.push('| n8n settings | concurrent | bare req/s | bare ack p50 / p99 | ours req/s | ours ack p50 / p99 | ours / bare | events after the acks (tail) |');
	out.push('|---|---:|---:|---|---:|---|---:|---|');
	for (const v of r.variants) {
		for (const cell of v.cells) {
			out.push(
				`| ${envLabel(v.n8nEnv)} | ${cell.concurrency} | ${cell.bare.rps} | ${ms(cell.bare.latencyMs.p50)} / ${ms(cell.bare.latencyMs.p99)} | ${cell.ours.rps} | ` +
					`${ms(cell.ours.latencyMs.p50)} / ${ms(cell.ours.latencyMs.p99)} | **${cell.ratio}×** | ${num(cell.ours.afterAck.eventsArrived)} / ${num(cell.ours.afterAck.expectedEvents)} (+${cell.ours.afterAck.tailSeconds} s) |`,
			);
		}
	}
	return out.join('\n');
}

function drainRow(label, d) {
	return (
		`| ${label} | ${num(d.orders)} → ${num(d.expectedEvents)} | ${d.drainSeconds ?? '–'} s | ${num(d.eventsPerMinute)} | **${pct(d.shareOfSteadyLimit)}** | ${pct(d.shareOfIdeal)} (${d.idealDrainSeconds} s) | ` +
		`**${num(d.lost)}** | **${num(d.duplicated)}** | ${num(d.duplicatesDroppedByKlaviyo)} | ${num(d.events429)} | ${d.failedExecutions ?? '–'} | ` +
		`${d.ack.acceptedPerSecond}/s, p99 ${ms(d.ack.latencyMs.p99)} | ${d.process.map((p) => `${p.cpuPercent} %`).join(' + ')} / ${d.process.map((p) => p.peakRssMiB).join(' + ')} MiB |`
	);
}

const DRAIN_HEADER = [
	'| flow / n8n settings | orders → events | drain time | events/min | of the steady limit | of the fastest the limits allow | lost | duplicated | re-sends dropped by Klaviyo | 429s | failed executions | acks | n8n CPU / peak RSS |',
	'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
];

const limitsLabel = (d) => (d.limits && d.limits.scale !== 1 ? `, Klaviyo limits × ${d.limits.scale} (${d.limits.burstPerSecond}/s + ${d.limits.steadyPerMinute}/min)` : '');

function renderDrain(r) {
	const out = [`_${machineLine(r.machine)}_  `, `\`${r.machine.command}\` — ${r.klaviyo}; 50 deliveries in flight.`, '', ...DRAIN_HEADER];
	for (const d of r.runs) out.push(drainRow(`ours, ${envLabel(d.n8nEnv)}${limitsLabel(d)}`, d));
	out.push('');
	out.push('Events accepted per minute of the run (minute 1, 2, …):');
	out.push('');
	for (const d of r.runs) out.push(`- ours, ${envLabel(d.n8nEnv)}${limitsLabel(d)}: ${d.eventsPerMinuteByMinute.map(num).join(', ')}`);
	return out.join('\n');
}

function renderHandBuilt(r) {
	const out = [`_${machineLine(r.machine)}_  `, `\`${r.machine.command}\` — ${r.klaviyo}; 50 deliveries in flight.`, '', ...DRAIN_HEADER];
	for (const d of r.runs) out.push(drainRow(`hand-built, ${envLabel(d.n8nEnv)}${limitsLabel(d)}`, d));
	out.push('');
	for (const d of r.runs) {
		out.push(
			`- hand-built, ${envLabel(d.n8nEnv)}${limitsLabel(d)}: lost ${num(d.lost)} = ${num(d.lostBreakdown.neverAccepted)} never accepted (429 after 5 tries, execution failed) + ` +
				`${num(d.lostBreakdown.collapsedNoUniqueId)} Ordered Product lines collapsed by Klaviyo (no unique_id → one event per profile, metric and second); ` +
				`events per minute: ${d.eventsPerMinuteByMinute.map(num).join(', ')}`,
		);
	}
	return out.join('\n');
}

function renderQueue(r) {
	const out = [`_${machineLine(r.machine)}_  `, `\`${r.machine.command}\` — drain of ${num(r.orders)} orders against the real limits, then the webhook path (${r.seconds} s cells, limits off).`, ''];
	out.push(...DRAIN_HEADER);
	for (const q of r.runs) out.push(drainRow(`${q.mode === 'main' ? 'main mode' : `queue mode, ${q.workers} worker${q.workers > 1 ? 's' : ''}`}, ${envLabel(q.n8nEnv)}`, q.drain));
	out.push('');
	out.push('| mode | concurrent | acks/s | ack p50 / p99 | events after the acks (tail) |');
	out.push('|---|---:|---:|---|---|');
	for (const q of r.runs) {
		for (const cell of q.webhook) {
			out.push(`| ${q.mode} | ${cell.concurrency} | ${cell.rps} | ${ms(cell.latencyMs.p50)} / ${ms(cell.latencyMs.p99)} | ${num(cell.afterAck.eventsArrived)} / ${num(cell.afterAck.expectedEvents)} (+${cell.afterAck.tailSeconds} s) |`);
		}
	}
	return out.join('\n');
}

const RENDER = { webhook: renderWebhook, drain: renderDrain, 'hand-built': renderHandBuilt, queue: renderQueue };

function readOut(part) {
	const file = path.join(c.OUT_DIR, `${part}.json`);
	return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

function render(parts, { update }) {
	const sections = {};
	for (const part of parts) {
		const r = readOut(part);
		if (r) sections[part] = RENDER[part](r);
	}
	const md = Object.entries(sections)
		.map(([part, text]) => `### ${part}\n\n${text}\n`)
		.join('\n');
	fs.mkdirSync(c.OUT_DIR, { recursive: true });
	fs.writeFileSync(path.join(c.OUT_DIR, 'results.md'), md);
	c.log('wrote bench/out/results.md');
	if (update && fs.existsSync(RESULTS_MD)) {
		let text = fs.readFileSync(RESULTS_MD, 'utf8');
		for (const [part, body] of Object.entries(sections)) {
			const re = new RegExp(`(<!-- bench:${part}:start -->)[\\s\\S]*?(<!-- bench:${part}:end -->)`);
			if (re.test(text)) text = text.replace(re, (_m, a, b) => `${a}\n${body}\n${b}`);
			else c.log(`bench/RESULTS.md has no <!-- bench:${part}:start/end --> markers; section not updated`);
		}
		fs.writeFileSync(RESULTS_MD, text);
		c.log(`updated bench/RESULTS.md (${Object.keys(sections).join(', ')})`);
	}
	return md;
}

async function main() {
	const argv = process.argv.slice(2);
	const only = c.option('only', 'BENCH_PARTS', PARTS);
	for (const p of only) if (!PARTS.includes(p)) throw new Error(`unknown part "${p}" (${PARTS.join(', ')})`);
	const update = !argv.includes('--no-update');
	if (argv.includes('--render')) {
		console.log(render(only, { update }));
		return;
	}
	const started = Date.now();
	const all = { machine: c.machineInfo(), parts: {} };
	for (const part of only) {
		const t = Date.now();
		c.log(`=== ${part} ===`);
		try {
			const mod = require(`./${part}`);
			all.parts[part] = { result: await mod.run(), minutes: Math.round((Date.now() - t) / 6000) / 10 };
		} catch (err) {
			c.log(`${part} failed: ${err && err.stack ? err.stack : err}`);
			all.parts[part] = { error: String(err && err.message ? err.message : err), minutes: Math.round((Date.now() - t) / 6000) / 10 };
			process.exitCode = 1;
		}
		c.log(`=== ${part} took ${all.parts[part].minutes} min ===`);
	}
	all.totalMinutes = Math.round((Date.now() - started) / 6000) / 10;
	c.writeOut('results', all);
	const done = only.filter((p) => all.parts[p] && all.parts[p].result);
	console.log(`\n${render(done, { update })}`);
	console.log(`total ${all.totalMinutes} min`);
}

main().catch((err) => {
	console.error(err && err.stack ? err.stack : err);
	process.exitCode = 1;
});
