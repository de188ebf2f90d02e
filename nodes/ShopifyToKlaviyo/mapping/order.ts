/**
 * Orders → Klaviyo events, following Klaviyo's own Shopify integration:
 *
 *   orders/create     → "Placed Order" + one "Ordered Product" per line item
 *   orders/fulfilled  → "Fulfilled Order"
 *   orders/cancelled  → "Cancelled Order" (+ "Refunded Order" for each refund it carries)
 *   orders/updated    → "Fulfilled Order" when fulfillment_status is "fulfilled",
 *                       "Cancelled Order" when cancelled_at is set,
 *                       "Refunded Order" for each refund in refunds[];
 *                       nothing of these → Skipped ("no status change to report")
 *
 * Every event has a unique_id derived from Shopify ids (ids.ts), so Shopify re-deliveries and
 * the same fact reported by two topics are recorded once.
 *
 * Why these values:
 *   - OrderId is the Shopify order id as a string (ids can exceed JavaScript's safe integers).
 *   - OrderNumber is the order `name` ("#1001"), what the customer sees in Shopify's emails,
 *     else `order_number` as Shopify gave it (real payloads carry the integer 1001 there; the
 *     blueprint's sample order carries "#1001" there and no `name`). `name` wins because
 *     `order_number` lacks the store's prefix/suffix.
 *   - Money is in the SHOP currency (`total_price`, `price`: Shopify's shop-money fields) with
 *     value_currency = order.currency, so Klaviyo revenue reports add up in one currency.
 *     When the buyer paid in another currency, PresentmentCurrency and PresentmentValue say
 *     what they saw.
 *   - time is the order's created_at converted to UTC ("2023-01-01T10:30:00-05:00" →
 *     "2023-01-01T15:30:00Z").
 *   - Properties Shopify does not supply (a null SKU, no shipping address…) are left out.
 */
import type { KlaviyoRequestItem } from '../../shared/contract';
import type { MappingResult, MapContext } from './context';
import { inBulkWhenMany } from './bulk';
import { eventBody } from './event';
import { identifyBuyer, type EventIdentity } from './identity';
import { uniqueIds } from './ids';
import { cartSummary, moneySet, parseLines, type ParsedLine } from './cart';
import { currencyDecimals, toMajor, toMinor } from './money';
import { refundEvent } from './refund';
import { arr, compact, isRecord, MappingError, str, tagList, utcTime, type Json } from './util';

/** "123 Main St, Anytown, CA 90210, United States" — parts Shopify lacks are left out. */
export function formatAddress(address: unknown): string | undefined {
	if (!isRecord(address)) return undefined;
	const region = str(address.province_code) ?? str(address.province);
	const regionZip = [region, str(address.zip)].filter(Boolean).join(' ');
	const parts = [str(address.address1), str(address.address2), str(address.city), regionZip, str(address.country) ?? str(address.country_name)];
	const text = parts.filter((p) => p !== undefined && p !== '').join(', ');
	return text === '' ? undefined : text;
}

/**
 * The order number as Shopify gave it: `name` ("#1001"), else `order_number` (a string such as
 * "#1001" or a number such as 1001, kept as is); undefined when the order has neither.
 */
export function orderNumberOf(order: Json): string | number | undefined {
	const name = str(order.name);
	if (name !== undefined) return name;
	const number = order.order_number;
	if (typeof number === 'number' && Number.isFinite(number)) return number;
	return str(number);
}

/** The pieces of an order every order event shares. */
export interface OrderFacts {
	id: string;
	/** "#1001" (or the id when the order has no number) — used in summaries and reasons */
	label: string;
	/** name, else order_number, as Shopify gave it */
	number?: string | number;
	currency?: string;
	decimals: number;
	totalMinor: number;
	lines: ParsedLine[];
	/** Properties common to Placed/Fulfilled/Cancelled Order */
	properties: Json;
}

export function orderFacts(order: Json, topic: string): OrderFacts {
	const id = str(order.id);
	if (!id) throw new MappingError(topic, 'id', 'is missing');
	const number = orderNumberOf(order);
	const currency = str(order.currency) ?? moneySet(order.total_price_set, 'shop_money').currency;
	const decimals = currencyDecimals(currency);
	const totalMinor = toMinor(order.total_price ?? moneySet(order.total_price_set, 'shop_money').amount, decimals, topic, 'total_price');
	const lines = parseLines(order.line_items, decimals, topic);

	const properties: Json = {
		OrderId: id,
		OrderNumber: number,
		Value: toMajor(totalMinor, decimals),
		Currency: currency,
		...cartSummary(order, lines, decimals, topic),
		Tags: tagList(order.tags),
		ShippingAddress: formatAddress(order.shipping_address),
	};

	// The buyer paid in another currency: keep what they saw, next to the shop-currency value.
	const presentmentCurrency = str(order.presentment_currency) ?? moneySet(order.total_price_set, 'presentment_money').currency;
	const presentment = moneySet(order.total_price_set, 'presentment_money');
	if (presentmentCurrency && currency && presentmentCurrency !== currency && presentment.amount !== undefined) {
		const pDecimals = currencyDecimals(presentmentCurrency);
		properties.PresentmentCurrency = presentmentCurrency;
		properties.PresentmentValue = toMajor(toMinor(presentment.amount, pDecimals, topic, 'total_price_set.presentment_money.amount'), pDecimals);
	}
	return { id, label: number === undefined ? id : String(number), number, currency, decimals, totalMinor, lines, properties };
}

export function mapOrder(order: Json, ctx: MapContext): MappingResult {
	const facts = orderFacts(order, ctx.topic);
	if (ctx.options.skipTestOrders && order.test === true) {
		return ctx.skip(`test order ${facts.label} skipped (Skip Test Orders is on)`);
	}
	const identity = identifyBuyer(order, ctx.notes);
	if (!identity) return ctx.skip(`order ${facts.label} has no email, phone or customer id`);

	const requests: KlaviyoRequestItem[] = [];
	switch (ctx.topic) {
		case 'orders/create':
			requests.push(...placedOrder(order, facts, identity, ctx));
			break;
		case 'orders/fulfilled':
			requests.push(fulfilledOrder(order, facts, identity, ctx));
			break;
		case 'orders/cancelled':
			requests.push(cancelledOrder(order, facts, identity, ctx));
			requests.push(...orderRefunds(order, facts, identity, ctx));
			break;
		default:
			// orders/updated: report only the status changes the order shows.
			if (order.fulfillment_status === 'fulfilled') requests.push(fulfilledOrder(order, facts, identity, ctx));
			if (str(order.cancelled_at)) requests.push(cancelledOrder(order, facts, identity, ctx));
			requests.push(...orderRefunds(order, facts, identity, ctx));
	}
	if (requests.length === 0) return ctx.skip('no status change to report');
	return ctx.done(requests);
}

function placedOrder(order: Json, facts: OrderFacts, identity: EventIdentity, ctx: MapContext): KlaviyoRequestItem[] {
	const { metricNames } = ctx.options;
	const time = utcTime(order.created_at, ctx.topic, 'created_at');
	const requests = [
		ctx.request(
			'event.create',
			eventBody(ctx, {
				metric: metricNames.placedOrder,
				properties: facts.properties,
				time,
				value: toMajor(facts.totalMinor, facts.decimals),
				currency: facts.currency,
				uniqueId: uniqueIds.orderPlaced(facts.id),
				identity,
			}),
			`${metricNames.placedOrder} ${facts.label}`,
		),
	];
	if (!ctx.options.lineItemEvents) return requests;
	const lineEvents: KlaviyoRequestItem[] = [];
	facts.lines.forEach((line, index) => {
		lineEvents.push(
			ctx.request(
				'event.create',
				eventBody(ctx, {
					metric: metricNames.orderedProduct,
					properties: {
						OrderId: facts.id,
						OrderNumber: facts.properties.OrderNumber,
						...line.item,
						Currency: facts.currency,
						SourceName: facts.properties.SourceName,
					},
					time,
					value: toMajor(line.rowTotalMinor, facts.decimals),
					currency: facts.currency,
					uniqueId: uniqueIds.orderedProduct(facts.id, line.id),
					identity,
				}),
				`${metricNames.orderedProduct} ${facts.label} line ${index + 1}`,
			),
		);
	});
	// Above the Bulk Ordered Product threshold: the same events in bulk jobs (mapping/bulk.ts).
	return [...requests, ...inBulkWhenMany(lineEvents, ctx, `${metricNames.orderedProduct} ${facts.label}`)];
}

function fulfilledOrder(order: Json, facts: OrderFacts, identity: EventIdentity, ctx: MapContext): KlaviyoRequestItem {
	const fulfillments = arr(order.fulfillments).filter(isRecord);
	const collect = (key: string, many?: string) => {
		const values = fulfillments.flatMap((f) => [str(f[key]), ...arr(many ? f[many] : undefined).map(str)]);
		const unique = [...new Set(values.filter((v): v is string => v !== undefined))];
		return unique.length > 0 ? unique : undefined;
	};
	// When it was fulfilled: the latest fulfillment, else the order's last update.
	const fulfilledAt = fulfillments
		.map((f) => str(f.created_at))
		.filter((t): t is string => t !== undefined)
		.sort((a, b) => Date.parse(a) - Date.parse(b))
		.pop();
	const metric = ctx.options.metricNames.fulfilledOrder;
	return ctx.request(
		'event.create',
		eventBody(ctx, {
			metric,
			properties: compact({
				...facts.properties,
				FulfillmentStatus: str(order.fulfillment_status),
				TrackingCompanies: collect('tracking_company'),
				TrackingNumbers: collect('tracking_number', 'tracking_numbers'),
				TrackingURLs: collect('tracking_url', 'tracking_urls'),
			}),
			time: utcTime(fulfilledAt ?? order.updated_at, ctx.topic, fulfilledAt ? 'fulfillments[].created_at' : 'updated_at'),
			value: toMajor(facts.totalMinor, facts.decimals),
			currency: facts.currency,
			uniqueId: uniqueIds.orderFulfilled(facts.id),
			identity,
		}),
		`${metric} ${facts.label}`,
	);
}

function cancelledOrder(order: Json, facts: OrderFacts, identity: EventIdentity, ctx: MapContext): KlaviyoRequestItem {
	const metric = ctx.options.metricNames.cancelledOrder;
	const hasCancelledAt = str(order.cancelled_at) !== undefined;
	return ctx.request(
		'event.create',
		eventBody(ctx, {
			metric,
			properties: compact({ ...facts.properties, CancelReason: str(order.cancel_reason) }),
			time: utcTime(hasCancelledAt ? order.cancelled_at : order.updated_at, ctx.topic, hasCancelledAt ? 'cancelled_at' : 'updated_at'),
			value: toMajor(facts.totalMinor, facts.decimals),
			currency: facts.currency,
			uniqueId: uniqueIds.orderCancelled(facts.id),
			identity,
		}),
		`${metric} ${facts.label}`,
	);
}

function orderRefunds(order: Json, facts: OrderFacts, identity: EventIdentity, ctx: MapContext): KlaviyoRequestItem[] {
	if (order.refunds !== undefined && order.refunds !== null && !Array.isArray(order.refunds)) {
		throw new MappingError(ctx.topic, 'refunds', 'is not a list');
	}
	return arr(order.refunds).map((refund, index) => {
		if (!isRecord(refund)) throw new MappingError(ctx.topic, `refunds[${index}]`, 'is not an object');
		return refundEvent(refund, `refunds[${index}].`, ctx, identity, {
			id: facts.id,
			name: facts.number,
			currency: facts.currency,
		});
	});
}
