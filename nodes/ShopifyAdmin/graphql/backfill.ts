/**
 * Backfill's read: orders and customers created in a date range, through Shopify bulk operations
 * (bulkOperationRunQuery → a JSONL file), one CHUNK at a time — pure, no n8n.
 *
 * The run's state (a row of the `shopify_backfill` Data Table) says where it is:
 *   phase 'start'      → run one bulk operation per resource (customers first, then orders: Shopify
 *                        runs one bulk query per shop at a time) and wait until each is COMPLETED;
 *                        their ids and object counts are kept in the state;
 *   phase <resource>   → read the next objects of that resource's file from byte `offset` (an HTTP
 *                        Range request on a fresh url of the operation: the signed url expires, the
 *                        operation's result is kept for a week), at most `maxObjects`;
 *   phase 'done'.
 * Each step returns the deliveries of its chunk (webhook shape, see adapter.ts, marked `backfill`)
 * and the state AFTER the chunk. The caller saves that state only once the chunk reached Klaviyo, so a
 * crash repeats at most the chunk in flight — harmless: the events keep the live path's unique_ids.
 *
 * JSONL: a nested connection's objects are lines of their own with `__parentId`, after their parent
 * (order → its LineItem lines; a refund → its RefundLineItem lines). A chunk ends before a top-level
 * line, so an object always travels with all its children.
 */
import type { CallOptions, GraphqlTransport } from './client';
import { graphqlCall, ShopifyGraphqlError } from './client';
import { deliveriesFor, type ReconciledDelivery } from './changes';
import type { Json } from './adapter';
import { bulkRunMutation, bulkStatusQuery, searchTime, type Resource } from './queries';

export const BACKFILL_PHASES = ['start', 'customers', 'orders', 'done'] as const;
export type BackfillPhase = (typeof BACKFILL_PHASES)[number];
const RESOURCE_ORDER: Resource[] = ['customers', 'orders'];

export interface BackfillState {
	runId: string;
	since: string;
	/** empty: up to when the run started */
	until?: string;
	phase: BackfillPhase;
	/** byte offset of the next unread line in the current phase's file */
	offset: number;
	customersOperation?: string;
	ordersOperation?: string;
	/** top-level objects in each file (Shopify's rootObjectCount) */
	customersTotal?: number;
	ordersTotal?: number;
	objectsDone: number;
	objectsTotal: number;
}

/** GET of a byte range of the result file: status 206 (range), 200 (whole file) or 416 (past the end). */
export type RangeDownload = (url: string, start: number, end: number) => Promise<{ status: number; body: Buffer; contentRange?: string }>;

export interface BackfillInput {
	shop: string;
	apiVersion: string;
	resources: Resource[];
	/** top-level objects per chunk */
	maxObjects: number;
	/** status checks of a running bulk operation, ms apart */
	pollMs: number;
	/** give up waiting for a bulk operation after this long */
	maxWaitMs: number;
	/** first Range request size, bytes (doubled while no whole object fits) */
	windowBytes?: number;
	now?: () => number;
}

export interface BackfillStep {
	state: BackfillState;
	deliveries: ReconciledDelivery[];
	/** what this step did, for the progress row */
	chunk: { resource?: Resource; objects: number; deliveries: number; note: string };
}

const num = (v: unknown): number => {
	const n = Number(v);
	return Number.isFinite(n) ? n : 0;
};

/** The state a run starts with; throws naming the field when the range is not a date range. */
export function newBackfillState(runId: string, since: unknown, until: unknown): BackfillState {
	const s = searchTime(since, 'Since');
	const u = until === undefined || until === null || String(until).trim() === '' ? undefined : searchTime(until, 'Until');
	if (u && Date.parse(u) <= Date.parse(s)) throw new Error(`Until (${u}) must be after Since (${s})`);
	return { runId, since: s, ...(u ? { until: u } : {}), phase: 'start', offset: 0, objectsDone: 0, objectsTotal: 0 };
}

/** A saved row (numbers may come back as strings or null) → state; throws naming the field. */
export function backfillStateFrom(row: Json): BackfillState {
	const runId = typeof row.runId === 'string' && row.runId ? row.runId : undefined;
	if (!runId) throw new Error('The backfill run has no runId');
	const phase = (BACKFILL_PHASES as readonly string[]).includes(String(row.phase ?? '')) ? (row.phase as BackfillPhase) : 'start';
	const state = newBackfillState(runId, row.since, row.until);
	const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
	return {
		...state,
		phase,
		offset: num(row.offset),
		customersOperation: str(row.customersOperation),
		ordersOperation: str(row.ordersOperation),
		customersTotal: row.customersTotal === null || row.customersTotal === undefined ? undefined : num(row.customersTotal),
		ordersTotal: row.ordersTotal === null || row.ordersTotal === undefined ? undefined : num(row.ordersTotal),
		objectsDone: num(row.objectsDone),
		objectsTotal: num(row.objectsTotal),
	};
}

interface BulkOperation {
	id?: string;
	status?: string;
	errorCode?: string | null;
	rootObjectCount?: string | number | null;
	url?: string | null;
}

async function bulkStatus(transport: GraphqlTransport, id: string, options: CallOptions): Promise<BulkOperation> {
	const data = await graphqlCall(transport, bulkStatusQuery(id), options, `checking bulk operation ${id}`);
	const op = data.bulkOperation as BulkOperation | null | undefined;
	if (!op) throw new ShopifyGraphqlError(`Shopify does not know bulk operation ${id} (results are kept for a week): start a new backfill`);
	return op;
}

/** Start the export of one resource; waits while another bulk query of the shop is in progress. */
async function startBulk(transport: GraphqlTransport, resource: Resource, state: BackfillState, input: BackfillInput, options: CallOptions): Promise<string> {
	const started = (input.now ?? Date.now)();
	for (;;) {
		const data = await graphqlCall(transport, bulkRunMutation(resource, { since: state.since, until: state.until }), options, `starting the bulk export of ${resource}`);
		const result = (data.bulkOperationRunQuery ?? {}) as { bulkOperation?: BulkOperation | null; userErrors?: Array<{ message?: string; code?: string }> };
		if (result.bulkOperation?.id) return result.bulkOperation.id;
		const errors = result.userErrors ?? [];
		const inProgress = errors.some((e) => e.code === 'OPERATION_IN_PROGRESS' || /already in progress/i.test(String(e.message ?? '')));
		if (!inProgress) throw new ShopifyGraphqlError(`Shopify refused the bulk export of ${resource}: ${errors.map((e) => e.message).join('; ') || 'no bulk operation returned'}`);
		if ((input.now ?? Date.now)() - started > input.maxWaitMs) throw new ShopifyGraphqlError(`Another bulk query of the shop kept running for ${Math.round(input.maxWaitMs / 1000)} s; the bulk export of ${resource} could not start`);
		await options.sleep(input.pollMs);
	}
}

async function waitForBulk(transport: GraphqlTransport, id: string, resource: Resource, input: BackfillInput, options: CallOptions): Promise<BulkOperation> {
	const started = (input.now ?? Date.now)();
	for (;;) {
		const op = await bulkStatus(transport, id, options);
		if (op.status === 'COMPLETED') return op;
		if (op.status === 'FAILED' || op.status === 'CANCELED' || op.status === 'CANCELLED' || op.status === 'EXPIRED') {
			throw new ShopifyGraphqlError(`The bulk export of ${resource} (${id}) ended ${op.status}${op.errorCode ? ` (${op.errorCode})` : ''}`);
		}
		if ((input.now ?? Date.now)() - started > input.maxWaitMs) throw new ShopifyGraphqlError(`The bulk export of ${resource} (${id}) was still ${op.status} after ${Math.round(input.maxWaitMs / 1000)} s`);
		await options.sleep(input.pollMs);
	}
}

const resourcesOf = (input: BackfillInput): Resource[] => RESOURCE_ORDER.filter((r) => input.resources.includes(r));
const nextPhase = (input: BackfillInput, after: Resource | 'start'): BackfillPhase => {
	const list = resourcesOf(input);
	const i = after === 'start' ? 0 : list.indexOf(after) + 1;
	return list[i] ?? 'done';
};

/** Lines of a JSONL window with their byte offsets (only complete lines: ending in \n, or at EOF). */
export function splitLines(buf: Buffer, base: number, eof: boolean): Array<{ start: number; text: string }> {
	const out: Array<{ start: number; text: string }> = [];
	let pos = 0;
	while (pos < buf.length) {
		const nl = buf.indexOf(10, pos);
		if (nl === -1) {
			if (eof) out.push({ start: base + pos, text: buf.subarray(pos).toString('utf8') });
			break;
		}
		out.push({ start: base + pos, text: buf.subarray(pos, nl).toString('utf8') });
		pos = nl + 1;
	}
	return out;
}

/** Top-level objects of a JSONL window with their children attached; `next` = offset after the last group taken. */
export function groupObjects(
	lines: Array<{ start: number; text: string }>,
	eof: boolean,
	endOffset: number,
	max: number,
): { objects: Json[]; next: number; complete: boolean } {
	const groups: Array<{ start: number; root: Json; children: Json[] }> = [];
	for (const line of lines) {
		if (line.text.trim() === '') continue;
		let obj: Json | undefined;
		try {
			obj = JSON.parse(line.text) as Json;
		} catch {
			obj = undefined;
		}
		if (!obj || typeof obj !== 'object') throw new ShopifyGraphqlError(`The bulk export file has a line that is not a JSON object at byte ${line.start}`);
		if (typeof obj.__parentId === 'string' && obj.__parentId) {
			const group = groups[groups.length - 1];
			if (!group) continue; // a child whose parent was in the previous chunk cannot happen: chunks end before roots
			group.children.push(obj);
		} else groups.push({ start: line.start, root: obj, children: [] });
	}
	// the last group may miss children that lie beyond the window, unless the file ends here
	const usable = eof ? groups.length : Math.max(0, groups.length - 1);
	const take = Math.min(usable, max);
	const objects = groups.slice(0, take).map((g) => assemble(g.root, g.children));
	const next = take < groups.length ? groups[take].start : eof ? endOffset : groups.length ? groups[groups.length - 1].start : endOffset;
	return { objects, next, complete: eof && take === groups.length };
}

/** An object and its child lines → the shape a paginated query returns (connections as { nodes }). */
export function assemble(root: Json, children: Json[]): Json {
	const obj: Json = { ...root };
	delete obj.__parentId;
	const lineItems: Json[] = [];
	const refunds = Array.isArray(obj.refunds) ? (obj.refunds as Json[]).map((r) => ({ ...r })) : undefined;
	const refundLines = new Map<string, Json[]>();
	for (const child of children) {
		const c: Json = { ...child };
		const parent = String(c.__parentId);
		const type = c.__typename;
		delete c.__parentId;
		delete c.__typename;
		if (type === 'RefundLineItem' || (type === undefined && parent !== String(root.id))) {
			const list = refundLines.get(parent) ?? [];
			list.push(c);
			refundLines.set(parent, list);
		} else lineItems.push(c);
	}
	if (obj.lineItems !== undefined || lineItems.length || String(root.id ?? '').includes('/Order/')) obj.lineItems = { nodes: lineItems };
	if (refunds) {
		for (const r of refunds) r.refundLineItems = { nodes: refundLines.get(String(r.id)) ?? [] };
		obj.refunds = refunds;
	}
	return obj;
}

function parseContentRange(value: string | undefined): { end?: number; total?: number } {
	const m = /bytes\s+(\d+)-(\d+)\/(\d+|\*)/i.exec(value ?? '');
	if (!m) return {};
	return { end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** Read the next chunk of `resource` from byte `offset` of its file. */
async function readChunk(
	download: RangeDownload,
	url: string,
	offset: number,
	maxObjects: number,
	windowBytes: number,
): Promise<{ objects: Json[]; next: number; complete: boolean }> {
	let size = windowBytes;
	for (;;) {
		const response = await download(url, offset, offset + size - 1);
		let buf: Buffer;
		let eof: boolean;
		if (response.status === 416) return { objects: [], next: offset, complete: true };
		if (response.status === 206) {
			buf = response.body;
			const range = parseContentRange(response.contentRange);
			eof = range.total !== undefined ? offset + buf.length >= range.total : buf.length < size;
		} else if (response.status === 200) {
			// the server ignored the Range header: the whole file
			buf = response.body.subarray(offset);
			eof = true;
		} else {
			throw new ShopifyGraphqlError(`Downloading the bulk export file failed (HTTP ${response.status})`, response.status);
		}
		const grouped = groupObjects(splitLines(buf, offset, eof), eof, offset + buf.length, maxObjects);
		if (grouped.objects.length > 0 || eof) return grouped;
		size *= 2; // not one whole object in the window: a bigger one
	}
}

/**
 * One step of a backfill run: start / wait for the bulk operations, or read the next chunk.
 * Returns the deliveries to map and send, and the state to save once they are sent.
 */
export async function backfillStep(
	transport: GraphqlTransport,
	download: RangeDownload,
	current: BackfillState,
	input: BackfillInput,
	options: CallOptions,
): Promise<BackfillStep> {
	const state: BackfillState = { ...current };
	const receivedAt = new Date((input.now ?? Date.now)()).toISOString();
	if (!state.until) state.until = receivedAt.replace(/\.\d{3}Z$/, 'Z');
	if (resourcesOf(input).length === 0) throw new Error('Resources: pick orders, customers or both');
	if (state.phase === 'start') {
		for (const resource of resourcesOf(input)) {
			const key = `${resource}Operation` as const;
			if (!state[key]) state[key] = await startBulk(transport, resource, state, input, options);
			const op = await waitForBulk(transport, state[key] as string, resource, input, options);
			state[`${resource}Total`] = num(op.rootObjectCount);
		}
		state.objectsTotal = resourcesOf(input).reduce((sum, r) => sum + (state[`${r}Total`] ?? 0), 0);
		state.phase = nextPhase(input, 'start');
		state.offset = 0;
		return { state, deliveries: [], chunk: { objects: 0, deliveries: 0, note: `bulk exports ready: ${state.objectsTotal} objects` } };
	}
	if (state.phase === 'done') return { state, deliveries: [], chunk: { objects: 0, deliveries: 0, note: 'done' } };

	const resource = state.phase;
	const id = state[`${resource}Operation`];
	if (!id) throw new Error(`The backfill run has no bulk operation for ${resource}: start a new run`);
	const op = await bulkStatus(transport, id, options);
	if (op.status !== 'COMPLETED') throw new ShopifyGraphqlError(`The bulk export of ${resource} (${id}) is ${op.status ?? 'unknown'}, not COMPLETED`);
	let read = { objects: [] as Json[], next: state.offset, complete: true };
	if (op.url) read = await readChunk(download, op.url, state.offset, Math.max(1, input.maxObjects), input.windowBytes ?? 4 * 1024 * 1024);
	const backfill = { runId: state.runId };
	const deliveries: ReconciledDelivery[] = [];
	for (const node of read.objects) {
		for (const d of deliveriesFor(resource, node, { shop: input.shop, apiVersion: input.apiVersion, receivedAt, source: 'backfill' })) {
			deliveries.push({ ...d, backfill } as ReconciledDelivery);
		}
	}
	state.objectsDone += read.objects.length;
	if (read.complete) {
		state.phase = nextPhase(input, resource);
		state.offset = 0;
	} else state.offset = read.next;
	return {
		state,
		deliveries,
		chunk: { resource, objects: read.objects.length, deliveries: deliveries.length, note: `${read.objects.length} ${resource}` },
	};
}
