/**
 * Deterministic Klaviyo `unique_id`s. Klaviyo records an event only once per
 * (profile, metric, unique_id), so deriving the id from Shopify's own ids means that
 * re-deliveries, and any combination of topics reporting the same fact (orders/updated and
 * orders/fulfilled both say "fulfilled"), yield each event exactly once.
 */
export const uniqueIds = {
	orderPlaced: (orderId: string) => `shopify:order:${orderId}:placed`,
	orderedProduct: (orderId: string, lineItemId: string) => `shopify:order:${orderId}:line:${lineItemId}`,
	orderFulfilled: (orderId: string) => `shopify:order:${orderId}:fulfilled`,
	orderCancelled: (orderId: string) => `shopify:order:${orderId}:cancelled`,
	refund: (refundId: string) => `shopify:refund:${refundId}`,
	checkoutStarted: (token: string) => `shopify:checkout:${token}:started`,
};
