/**
 * Everything one mapping call needs: the delivery it came from, the merchant's options and
 * the notes collected along the way; plus the two ways a mapping ends (requests or a skip).
 */
import type { KlaviyoOperation, KlaviyoRequestItem, SkippedItem } from '../../shared/contract';
import type { MappingOptions } from './options';
import type { Json } from './util';

export interface MappingResult {
	/** Ready-to-send Klaviyo requests, in the order they should be sent */
	requests: KlaviyoRequestItem[];
	/** Set when there is nothing to send, with the reason */
	skipped?: SkippedItem;
}

export class MapContext {
	/** Things the mapper dropped or normalised (no PII), attached to every request */
	readonly notes: string[] = [];

	constructor(
		readonly topic: string,
		readonly options: MappingOptions,
		readonly idempotencyKey: string,
		readonly shop?: string,
	) {}

	request(operation: KlaviyoOperation, body: Json, summary: string): KlaviyoRequestItem {
		const item: KlaviyoRequestItem = { operation, body, summary, topic: this.topic, idempotencyKey: this.idempotencyKey };
		if (this.shop) item.shop = this.shop;
		if (this.notes.length > 0) item.notes = [...this.notes];
		return item;
	}

	done(requests: KlaviyoRequestItem[]): MappingResult {
		// Notes found after a request was built (e.g. while building a later one) go on all of them.
		if (this.notes.length > 0) for (const r of requests) r.notes = [...this.notes];
		return { requests };
	}

	skip(reason: string): MappingResult {
		const skipped: SkippedItem = { skipped: true, reason, topic: this.topic, idempotencyKey: this.idempotencyKey };
		if (this.shop) skipped.shop = this.shop;
		return { requests: [], skipped };
	}
}
