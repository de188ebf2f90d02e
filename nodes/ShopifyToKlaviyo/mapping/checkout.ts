/**
 * checkouts/create and checkouts/update → "Checkout Started", once per checkout
 * (unique_id shopify:checkout:{token}:started).
 *
 * Shopify usually sends checkouts/create before the buyer has typed an email; that delivery
 * is Skipped (no identifier) and the first checkouts/update with an email or phone sends the
 * event. Later updates repeat the same unique_id, so Klaviyo keeps the first one only.
 * CheckoutURL is Shopify's abandoned_checkout_url, the link abandoned-cart flows need.
 */
import type { MappingResult, MapContext } from './context';
import { eventBody } from './event';
import { identifyBuyer } from './identity';
import { uniqueIds } from './ids';
import { currencyDecimals, toMajor, toMinor } from './money';
import { cartSummary, moneySet, parseLines } from './cart';
import { compact, str, utcTime, type Json } from './util';

export function mapCheckout(checkout: Json, ctx: MapContext): MappingResult {
	const token = str(checkout.token);
	if (!token) return ctx.skip('checkout has no token, so it cannot be recorded once');
	const identity = identifyBuyer(checkout, ctx.notes);
	if (!identity) return ctx.skip(`checkout ${token} has no email, phone or customer id yet`);

	const currency = str(checkout.currency) ?? moneySet(checkout.total_price_set, 'shop_money').currency;
	const decimals = currencyDecimals(currency);
	const totalMinor = toMinor(checkout.total_price, decimals, ctx.topic, 'total_price');
	const lines = parseLines(checkout.line_items, decimals, ctx.topic);

	const metric = ctx.options.metricNames.checkoutStarted;
	const body = eventBody(ctx, {
		metric,
		properties: compact({
			CheckoutId: token,
			CheckoutURL: str(checkout.abandoned_checkout_url) ?? str(checkout.recovery_url),
			Value: toMajor(totalMinor, decimals),
			Currency: currency,
			...cartSummary(checkout, lines, decimals, ctx.topic),
		}),
		time: utcTime(checkout.created_at, ctx.topic, 'created_at'),
		value: toMajor(totalMinor, decimals),
		currency,
		uniqueId: uniqueIds.checkoutStarted(token),
		identity,
	});
	return ctx.done([ctx.request('event.create', body, `${metric} (checkout ${token})`)]);
}
