/**
 * Refunds → "Refunded Order", one event per Shopify refund (unique_id shopify:refund:{id}).
 *
 * Refunds reach us two ways: refunds/create, and the refunds[] of orders/updated (or
 * orders/cancelled). Both build the same event with the same unique_id, so it is recorded
 * once. refunds/create payloads carry no customer at all (no email, phone or customer id),
 * so on their own they go to Skipped; the event is then sent from orders/updated, which
 * Shopify also sends when an order is refunded.
 *
 * Value = the money actually returned: the successful refund transactions. A refund without
 * transactions (e.g. restock only, or a payload without them) falls back to the refunded line
 * items' subtotal + tax in shop money.
 */
import type { KlaviyoRequestItem } from '../../shared/contract';
import type { MappingResult, MapContext } from './context';
import { eventBody } from './event';
import { identifyBuyer, type EventIdentity } from './identity';
import { uniqueIds } from './ids';
import { currencyDecimals, sumMinor, toMajor, toMinor } from './money';
import { arr, compact, isRecord, MappingError, rec, str, utcTime, type Json } from './util';

export interface RefundOrderInfo {
	id?: string;
	/** The order number (name, else order_number) as Shopify gave it */
	name?: string | number;
	currency?: string;
}

/** Build the Refunded Order event. `path` prefixes field names in errors ("refunds[0]."). */
export function refundEvent(
	refund: Json,
	path: string,
	ctx: MapContext,
	identity: EventIdentity,
	order: RefundOrderInfo,
): KlaviyoRequestItem {
	const refundId = str(refund.id);
	if (!refundId) throw new MappingError(ctx.topic, `${path}id`, 'is missing');
	const orderId = order.id ?? str(refund.order_id);

	const refundLines = arr(refund.refund_line_items).filter(isRecord);
	const lineCurrency = refundLines.map((l) => str(rec(rec(l.subtotal_set).shop_money).currency_code)).find(Boolean);
	const transactions = arr(refund.transactions)
		.filter(isRecord)
		.map((t, index) => ({ t, index }))
		.filter(({ t }) => t.kind === 'refund' && t.status === 'success');
	const transactionCurrency = transactions.map(({ t }) => str(t.currency)).find(Boolean);

	let currency: string | undefined;
	let valueMinor: number;
	if (transactions.length > 0) {
		currency = transactionCurrency ?? order.currency ?? lineCurrency;
		const decimals = currencyDecimals(currency);
		valueMinor = sumMinor(transactions.map(({ t, index }) => toMinor(t.amount, decimals, ctx.topic, `${path}transactions[${index}].amount`)));
	} else {
		currency = lineCurrency ?? order.currency;
		const decimals = currencyDecimals(currency);
		valueMinor = sumMinor(
			refundLines.flatMap((l, index) => {
				const subtotal = rec(rec(l.subtotal_set).shop_money).amount ?? l.subtotal ?? '0';
				const tax = rec(rec(l.total_tax_set).shop_money).amount ?? l.total_tax ?? '0';
				return [
					toMinor(subtotal, decimals, ctx.topic, `${path}refund_line_items[${index}].subtotal`),
					toMinor(tax, decimals, ctx.topic, `${path}refund_line_items[${index}].total_tax`),
				];
			}),
		);
	}
	const decimals = currencyDecimals(currency);

	const items = refundLines.map((l) => {
		const line = rec(l.line_item);
		return compact({
			ProductID: str(line.product_id),
			VariantID: str(line.variant_id),
			SKU: str(line.sku),
			Name: str(line.name) ?? str(line.title),
			Quantity: typeof l.quantity === 'number' ? l.quantity : undefined,
		});
	});
	const itemNames = items.map((i) => i.Name).filter((n): n is string => typeof n === 'string');
	const quantities = items.map((i) => i.Quantity).filter((q): q is number => typeof q === 'number');

	const metric = ctx.options.metricNames.refundedOrder;
	const label = order.name !== undefined ? String(order.name) : (orderId ?? 'unknown order');
	const hasProcessedAt = str(refund.processed_at) !== undefined;
	return ctx.request(
		'event.create',
		eventBody(ctx, {
			metric,
			properties: compact({
				OrderId: orderId,
				OrderNumber: order.name,
				RefundId: refundId,
				Value: toMajor(valueMinor, decimals),
				Currency: currency,
				Note: str(refund.note),
				ItemNames: itemNames.length > 0 ? itemNames : undefined,
				ItemCount: quantities.length > 0 ? sumMinor(quantities) : undefined,
				Items: items.length > 0 ? items : undefined,
			}),
			time: utcTime(hasProcessedAt ? refund.processed_at : refund.created_at, ctx.topic, `${path}${hasProcessedAt ? 'processed_at' : 'created_at'}`),
			value: toMajor(valueMinor, decimals),
			currency,
			uniqueId: uniqueIds.refund(refundId),
			identity,
		}),
		`${metric} ${label} (refund ${refundId})`,
	);
}

/** refunds/create */
export function mapRefund(refund: Json, ctx: MapContext): MappingResult {
	const refundId = str(refund.id);
	if (!refundId) throw new MappingError(ctx.topic, 'id', 'is missing');
	const orderId = str(refund.order_id);
	if (ctx.options.skipTestOrders && arr(refund.transactions).some((t) => isRecord(t) && t.test === true)) {
		return ctx.skip(`test refund ${refundId} skipped (Skip Test Orders is on)`);
	}
	// Shopify's refunds/create has no customer; an enriched payload (email, customer…) is used when present.
	const identity = identifyBuyer(refund, ctx.notes);
	if (!identity) {
		return ctx.skip(
			`refund ${refundId} of order ${orderId ?? '(unknown)'} has no email, phone or customer id ` +
				'(refunds/create carries no customer; the Refunded Order event is sent from orders/updated)',
		);
	}
	return ctx.done([refundEvent(refund, '', ctx, identity, { id: orderId, name: str(refund.order_name) })]);
}
