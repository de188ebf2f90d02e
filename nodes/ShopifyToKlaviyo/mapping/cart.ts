/**
 * What orders and checkouts share: their line items (the Items list of Placed Order, Checkout
 * Started and the Ordered Product events), the cart summary properties, and Shopify money sets.
 */
import { sumMinor, timesQuantity, toMajor, toMinor, toMinorOptional } from './money';
import { arr, compact, isRecord, MappingError, rec, str, type Json } from './util';

export interface ParsedLine {
	/** Shopify line item id (or the line's key in checkouts) */
	id: string;
	/** The entry in the event's Items list */
	item: Json;
	name?: string;
	quantity: number;
	rowTotalMinor: number;
}

/** Whole, non-negative quantity (Shopify sends numbers; a numeric string is accepted). */
function quantityOf(value: unknown, topic: string, field: string): number {
	const quantity = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
	if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) {
		throw new MappingError(topic, field, 'is not a whole number');
	}
	return quantity;
}

/**
 * line_items[] → Items entries: ProductID, VariantID, SKU, Name, ProductName, VariantName,
 * Vendor, Quantity, Price, RowTotal (= Price × Quantity, exact). Used by orders and checkouts.
 */
export function parseLines(items: unknown, decimals: number, topic: string, field = 'line_items'): ParsedLine[] {
	if (items !== undefined && items !== null && !Array.isArray(items)) {
		throw new MappingError(topic, field, 'is not a list');
	}
	return arr(items).map((raw, index) => {
		const path = `${field}[${index}]`;
		if (!isRecord(raw)) throw new MappingError(topic, path, 'is not an object');
		const quantity = quantityOf(raw.quantity, topic, `${path}.quantity`);
		const priceMinor = toMinor(raw.price, decimals, topic, `${path}.price`);
		const rowTotalMinor = timesQuantity(priceMinor, quantity);
		const name = str(raw.name) ?? str(raw.title) ?? str(raw.presentment_title);
		return {
			id: str(raw.id) ?? str(raw.key) ?? `index-${index}`,
			name,
			quantity,
			rowTotalMinor,
			item: compact({
				ProductID: str(raw.product_id),
				VariantID: str(raw.variant_id),
				SKU: str(raw.sku),
				Name: name,
				ProductName: str(raw.title),
				VariantName: str(raw.variant_title),
				Vendor: str(raw.vendor),
				Quantity: quantity,
				Price: toMajor(priceMinor, decimals),
				RowTotal: toMajor(rowTotalMinor, decimals),
			}),
		};
	});
}

/** The amount in a Shopify money set (`*_set.shop_money` / `presentment_money`). */
export function moneySet(set: unknown, which: 'shop_money' | 'presentment_money'): { amount?: unknown; currency?: string } {
	const money = rec(rec(set)[which]);
	return { amount: money.amount, currency: str(money.currency_code) ?? str(money.currency) };
}

/**
 * What orders and checkouts both say about the cart: ItemNames, ItemCount, Items, DiscountCodes,
 * TotalDiscounts, SourceName (undefined entries are dropped by compact()).
 */
export function cartSummary(cart: Json, lines: ParsedLine[], decimals: number, topic: string): Json {
	const discountsMinor = toMinorOptional(cart.total_discounts, decimals, topic, 'total_discounts');
	const discountCodes = arr(cart.discount_codes)
		.map((d) => (isRecord(d) ? str(d.code) : str(d)))
		.filter((c): c is string => c !== undefined);
	return {
		ItemNames: lines.map((l) => l.name).filter((n): n is string => n !== undefined),
		ItemCount: sumMinor(lines.map((l) => l.quantity)),
		Items: lines.map((l) => l.item),
		DiscountCodes: discountCodes.length > 0 ? discountCodes : undefined,
		TotalDiscounts: discountsMinor === undefined ? undefined : toMajor(discountsMinor, decimals),
		SourceName: str(cart.source_name),
	};
}
