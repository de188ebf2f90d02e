/**
 * What a merchant can change about the mapping. Every metric name is editable, so the flows
 * already built on an existing integration's metric names keep working.
 */
export interface MetricNames {
	placedOrder: string;
	orderedProduct: string;
	fulfilledOrder: string;
	cancelledOrder: string;
	refundedOrder: string;
	checkoutStarted: string;
}

/**
 * An order with more line items than this sends its Ordered Product events through Klaviyo's
 * bulk endpoint (event-bulk-create-jobs, ≤ 1 000 events per job) instead of one POST /api/events
 * each: a 3 000-line order is 3 requests instead of 3 000 (and does not eat most of the account's
 * 3 500 events/min). The events (properties, time, value, unique_id) are the same either way.
 */
export const BULK_ORDERED_PRODUCT_THRESHOLD = 50;

export interface MappingOptions {
	metricNames: MetricNames;
	/** Send one "Ordered Product" event per line item next to "Placed Order". */
	lineItemEvents: boolean;
	/**
	 * Orders with more line items than this send their Ordered Product events in bulk jobs
	 * (default BULK_ORDERED_PRODUCT_THRESHOLD). Placed Order stays a single event.
	 */
	bulkOrderedProductAbove: number;
	/** Put the customer's address on the profile (location + Address1/City/Region/Zip/Country properties). */
	includeLocation: boolean;
	/** Orders with `test: true` (Shopify's bogus gateway / test mode) go to Skipped. */
	skipTestOrders: boolean;
	/**
	 * When Shopify reports email/SMS consent `not_subscribed` (never subscribed), send an
	 * unsubscribe to Klaviyo. Off by default: `not_subscribed` is the state of every customer who
	 * never ticked Shopify's box, including people who subscribed through a Klaviyo form that
	 * Shopify does not know about — an unsubscribe would withdraw a consent they gave. Switch on
	 * only when Shopify is the one place people subscribe.
	 */
	unsubscribeNotSubscribed: boolean;
	/** Extra profile properties, already evaluated (name → value). */
	extraProfileProperties: Record<string, unknown>;
	/** Extra event properties, already evaluated (name → value). */
	extraEventProperties: Record<string, unknown>;
	/** Klaviyo list to subscribe email consent to (optional: without it, consent is set on the profile only). */
	emailListId?: string;
	/** Klaviyo list to subscribe SMS consent to (optional). */
	smsListId?: string;
}

export const DEFAULT_METRIC_NAMES: MetricNames = {
	placedOrder: 'Placed Order',
	orderedProduct: 'Ordered Product',
	fulfilledOrder: 'Fulfilled Order',
	cancelledOrder: 'Cancelled Order',
	refundedOrder: 'Refunded Order',
	checkoutStarted: 'Checkout Started',
};

export const DEFAULT_OPTIONS: MappingOptions = {
	metricNames: DEFAULT_METRIC_NAMES,
	lineItemEvents: true,
	bulkOrderedProductAbove: BULK_ORDERED_PRODUCT_THRESHOLD,
	includeLocation: true,
	skipTestOrders: false,
	unsubscribeNotSubscribed: false,
	extraProfileProperties: {},
	extraEventProperties: {},
};

export type MappingOptionsInput = Partial<Omit<MappingOptions, 'metricNames'>> & {
	metricNames?: Partial<MetricNames>;
};

/** Fill in defaults; blank metric names fall back to the default name. */
export function resolveOptions(input: MappingOptionsInput = {}): MappingOptions {
	const metricNames = { ...DEFAULT_METRIC_NAMES };
	for (const key of Object.keys(metricNames) as Array<keyof MetricNames>) {
		const name = input.metricNames?.[key];
		if (typeof name === 'string' && name.trim() !== '') metricNames[key] = name.trim();
	}
	const blankToUndefined = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : undefined);
	return {
		metricNames,
		lineItemEvents: input.lineItemEvents ?? DEFAULT_OPTIONS.lineItemEvents,
		bulkOrderedProductAbove:
			typeof input.bulkOrderedProductAbove === 'number' && input.bulkOrderedProductAbove >= 0
				? Math.floor(input.bulkOrderedProductAbove)
				: DEFAULT_OPTIONS.bulkOrderedProductAbove,
		includeLocation: input.includeLocation ?? DEFAULT_OPTIONS.includeLocation,
		skipTestOrders: input.skipTestOrders ?? DEFAULT_OPTIONS.skipTestOrders,
		unsubscribeNotSubscribed: input.unsubscribeNotSubscribed ?? DEFAULT_OPTIONS.unsubscribeNotSubscribed,
		extraProfileProperties: { ...(input.extraProfileProperties ?? {}) },
		extraEventProperties: { ...(input.extraEventProperties ?? {}) },
		emailListId: blankToUndefined(input.emailListId),
		smsListId: blankToUndefined(input.smsListId),
	};
}
