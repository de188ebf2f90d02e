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

export interface MappingOptions {
	metricNames: MetricNames;
	/** Send one "Ordered Product" event per line item next to "Placed Order". */
	lineItemEvents: boolean;
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
		includeLocation: input.includeLocation ?? DEFAULT_OPTIONS.includeLocation,
		skipTestOrders: input.skipTestOrders ?? DEFAULT_OPTIONS.skipTestOrders,
		unsubscribeNotSubscribed: input.unsubscribeNotSubscribed ?? DEFAULT_OPTIONS.unsubscribeNotSubscribed,
		extraProfileProperties: { ...(input.extraProfileProperties ?? {}) },
		extraEventProperties: { ...(input.extraEventProperties ?? {}) },
		emailListId: blankToUndefined(input.emailListId),
		smsListId: blankToUndefined(input.smsListId),
	};
}
