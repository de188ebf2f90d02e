import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';
import type { DeadLetterItem, KlaviyoOperation, KlaviyoResultItem } from '../../shared/contract';
import type { FailureInfo } from '../transport/errors';
import { toNodeApiError } from '../transport/errors';
import { mapWithConcurrency } from '../transport/limiter';
import type { TransportSettings } from '../transport/request';
import { credentialInfo } from '../transport/request';
import type { SendResult } from '../transport/send';
import { sendOperation } from '../transport/send';
import { DEFAULT_RETRY_POLICY, MAX_RETRY_AFTER_MS } from '../transport/retry';

/** The editor's defaults: the retry policy's (transport/retry.ts), in the units the editor shows. */
const DEFAULT_CONCURRENCY = 5;
const DEFAULT_MAX_ATTEMPTS = DEFAULT_RETRY_POLICY.maxAttempts;
const DEFAULT_MAX_DELAY_SECONDS = DEFAULT_RETRY_POLICY.maxDelayMs / 1000;
const DEFAULT_TIMEOUT_SECONDS = DEFAULT_RETRY_POLICY.timeoutMs / 1000;

/** Options shared by every operation (retry, timeout, concurrency). */
export const transportOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: DEFAULT_CONCURRENCY,
			description: 'How many requests this node sends at the same time',
		},
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 20 },
			default: DEFAULT_MAX_ATTEMPTS,
			description:
				'Attempts per request, including the first, on throttling (429), server errors and network failures',
		},
		{
			displayName: 'Max Delay (Seconds)',
			name: 'maxDelay',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_MAX_DELAY_SECONDS,
			description: `Longest backoff wait between two attempts when Klaviyo gives no Retry-After. A Retry-After is always waited in full (up to ${MAX_RETRY_AFTER_MS / 60_000} minutes; a longer one fails the item).`,
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_SECONDS,
			description: 'How long to wait for Klaviyo to answer one request',
		},
	],
};

export interface NodeSettings extends TransportSettings {
	concurrency: number;
}

/** Read the Options collection (item 0: options are node-wide). */
export function getSettings(ctx: IExecuteFunctions): NodeSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const num = (value: unknown, fallback: number) =>
		typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
	return {
		sleep: async (ms: number) => await sleep(ms),
		concurrency: num(options.concurrency, DEFAULT_CONCURRENCY),
		maxAttempts: num(options.maxAttempts, DEFAULT_MAX_ATTEMPTS),
		maxDelayMs: num(options.maxDelay, DEFAULT_MAX_DELAY_SECONDS) * 1000,
		timeoutMs: num(options.timeout, DEFAULT_TIMEOUT_SECONDS) * 1000,
	};
}

/** Fields of the input item carried through to the output. */
export interface Passthrough {
	summary?: string;
	topic?: string;
	idempotencyKey?: string;
	notes?: string[];
}

export function passthroughOf(json: IDataObject): Passthrough {
	const out: Passthrough = {};
	if (typeof json.summary === 'string') out.summary = json.summary;
	if (typeof json.topic === 'string') out.topic = json.topic;
	if (typeof json.idempotencyKey === 'string') out.idempotencyKey = json.idempotencyKey;
	if (Array.isArray(json.notes)) out.notes = json.notes.filter((n): n is string => typeof n === 'string');
	return out;
}

export interface PreparedRequest {
	operation: KlaviyoOperation;
	body: IDataObject;
	passthrough: Passthrough;
}

/**
 * What of Klaviyo's answer a success item keeps: the resource's type and id (or, for a list, each
 * one's), never its attributes — a profile comes back with its email, phone, name and address, and
 * n8n saves successful executions. Undefined when the answer names no resource.
 */
export function responseSummary(response: unknown): KlaviyoResultItem['response'] {
	const data = (response && typeof response === 'object' ? (response as { data?: unknown }).data : undefined) as unknown;
	const ref = (resource: unknown): { type: string; id: string } | undefined => {
		if (!resource || typeof resource !== 'object') return undefined;
		const { type, id } = resource as { type?: unknown; id?: unknown };
		return typeof type === 'string' && typeof id === 'string' ? { type, id } : undefined;
	};
	if (Array.isArray(data)) {
		const refs = data.map(ref).filter((r): r is { type: string; id: string } => r !== undefined);
		return refs.length > 0 ? refs : undefined;
	}
	return ref(data);
}

export function resultItem(
	prepared: PreparedRequest,
	result: Extract<SendResult, { ok: true }>,
	extraNotes: string[] = [],
): KlaviyoResultItem {
	const notes = [...(prepared.passthrough.notes ?? []), ...result.notes, ...extraNotes];
	const item: KlaviyoResultItem = {
		operation: prepared.operation,
		status: result.status,
		attempts: result.attempts,
		totalWaitMs: result.totalWaitMs,
	};
	const response = responseSummary(result.response);
	if (response !== undefined) item.response = response;
	if (prepared.passthrough.summary !== undefined) item.summary = prepared.passthrough.summary;
	if (prepared.passthrough.topic !== undefined) item.topic = prepared.passthrough.topic;
	if (prepared.passthrough.idempotencyKey !== undefined) item.idempotencyKey = prepared.passthrough.idempotencyKey;
	if (notes.length) item.notes = notes;
	return item;
}

export function deadLetter(
	prepared: Pick<PreparedRequest, 'operation' | 'body' | 'passthrough'>,
	error: FailureInfo,
	attempts: number,
	notes: string[] = [],
): DeadLetterItem & { notes?: string[] } {
	const item: DeadLetterItem & { notes?: string[] } = {
		operation: prepared.operation,
		body: prepared.body,
		attempts,
		error,
	};
	if (prepared.passthrough.topic !== undefined) item.topic = prepared.passthrough.topic;
	if (prepared.passthrough.idempotencyKey !== undefined) item.idempotencyKey = prepared.passthrough.idempotencyKey;
	if (prepared.passthrough.summary !== undefined) item.summary = prepared.passthrough.summary;
	const allNotes = [...(prepared.passthrough.notes ?? []), ...notes];
	if (allNotes.length) item.notes = allNotes;
	return item;
}

/**
 * Collects per-item outcomes and applies n8n's error semantics:
 * - continueOnFail() (incl. "On Error → Continue (using error output)"): a failed item is returned as
 *   { json: DeadLetterItem, error: NodeApiError, pairedItem }. n8n's WorkflowExecute
 *   (handleNodeErrorOutput) routes every item with a top-level `error` to the error output; the
 *   DeadLetterItem additionally carries an `error` key for replay.
 * - otherwise the first failure is thrown as a NodeApiError (never containing the private key).
 */
export class OutputCollector {
	private readonly slots: Array<INodeExecutionData[] | undefined> = [];

	private firstError: Error | undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly secrets: string[],
	) {}

	success(itemIndex: number, json: KlaviyoResultItem): void {
		this.push(itemIndex, { json: json as unknown as IDataObject, pairedItem: { item: itemIndex } });
	}

	failure(itemIndex: number, json: DeadLetterItem, error?: Error): void {
		const nodeError = error ?? toNodeApiError(this.ctx.getNode(), json.error, this.secrets, itemIndex);
		if (!this.firstError) this.firstError = nodeError;
		// Shape matters (n8n 2.41 WorkflowExecute): an item with a top-level `error` gets its json
		// replaced by `{ error: message }` (normalizeNodeErrors), losing the request. An item whose
		// json has only `error` / `details` keys is routed to the error output intact, merged over
		// the paired input item. So: `{ error, details }` with everything needed to replay.
		const { error: info, ...details } = json;
		this.push(itemIndex, {
			json: { error: { ...info }, details } as unknown as IDataObject,
			pairedItem: { item: itemIndex },
		});
	}

	private failedCount(): number {
		return this.slots.flat().filter((d) => d && (d.json as IDataObject).details !== undefined && (d.json as IDataObject).error !== undefined).length;
	}

	private push(itemIndex: number, data: INodeExecutionData): void {
		(this.slots[itemIndex] ??= []).push(data);
	}

	finish(): INodeExecutionData[] {
		if (this.firstError && !this.ctx.continueOnFail()) throw this.firstError;
		if (this.firstError) this.ctx.logger.warn(`Klaviyo: ${this.failedCount()} item(s) failed; sent to the error output`);
		return this.slots.flatMap((s) => s ?? []);
	}
}

/** The FailureInfo for an error raised while preparing an item (bad parameter, bad input). */
export function preparationFailure(error: unknown): FailureInfo {
	const message = error instanceof Error ? error.message : String(error);
	return { message, hint: 'fix the node parameters or the input item' };
}

/**
 * Per-item operations: prepare each item's request, send with bounded concurrency, collect.
 * `prepare` throws NodeOperationError for bad input.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	prepare: (itemIndex: number, item: INodeExecutionData) => PreparedRequest,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const settings = getSettings(ctx);
	const { secrets } = await credentialInfo(ctx);
	const out = new OutputCollector(ctx, secrets);
	await sendPerItem(ctx, items, items.map((_, i) => i), prepare, settings, out);
	return out.finish();
}

/** The items at `indices`, one request each, with bounded concurrency; outcomes into `out`. */
export async function sendPerItem(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	indices: number[],
	prepare: (itemIndex: number, item: INodeExecutionData) => PreparedRequest,
	settings: NodeSettings,
	out: OutputCollector,
): Promise<void> {
	await mapWithConcurrency(indices, settings.concurrency, async (i) => {
		const item = items[i];
		let prepared: PreparedRequest;
		try {
			prepared = prepare(i, item);
		} catch (error) {
			const json = item.json ?? {};
			const operation = (typeof json.operation === 'string' ? json.operation : 'event.create') as KlaviyoOperation;
			const body = (json.body && typeof json.body === 'object' ? json.body : {}) as IDataObject;
			const info = preparationFailure(error);
			const nodeError =
				error instanceof NodeOperationError
					? error
					: new NodeOperationError(ctx.getNode(), info.message, { itemIndex: i });
			out.failure(i, deadLetter({ operation, body, passthrough: passthroughOf(json) }, info, 0), nodeError);
			return;
		}
		const result = await sendOperation(ctx, prepared.operation, prepared.body, settings);
		if (result.ok) {
			out.success(i, resultItem(prepared, result));
		} else {
			out.failure(i, deadLetter(prepared, result.error, result.attempts, result.notes));
		}
	});
}

/** Parse a JSON parameter that may already be an object. */
export function parseJsonParameter(
	ctx: IExecuteFunctions,
	value: unknown,
	name: string,
	itemIndex: number,
): IDataObject {
	if (value === undefined || value === null || value === '') return {};
	if (typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	if (typeof value === 'string') {
		try {
			const parsed = JSON.parse(value) as unknown;
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as IDataObject;
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `${name} is not valid JSON: ${(error as Error).message}`, {
				itemIndex,
			});
		}
	}
	throw new NodeOperationError(ctx.getNode(), `${name} must be a JSON object`, { itemIndex });
}
