/**
 * Money without floating-point drift.
 *
 * Shopify sends amounts as decimal strings ("49.99"). We turn them into whole minor units
 * (4999 cents) and only ever add and multiply integers; the result is turned back into a
 * number once, at the end (4999 → 49.99). So 0.1 + 0.2 is 0.3, and 150 line items of
 * "0.10" sum to exactly 15.
 *
 * The number of decimals depends on the currency (ISO 4217): JPY and KRW have none, KWD and
 * BHD have three, most have two.
 */
import { MappingError } from './util';

const ZERO_DECIMAL = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
const THREE_DECIMAL = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];

/** How many decimals the currency has (2 when unknown). */
export function currencyDecimals(currency: string | undefined): number {
	const code = (currency ?? '').toUpperCase();
	if (ZERO_DECIMAL.includes(code)) return 0;
	if (THREE_DECIMAL.includes(code)) return 3;
	return 2;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

/**
 * "49.99" → 4999 (for 2 decimals). Also accepts a plain JSON number (some Shopify fields,
 * e.g. refund_line_items[].subtotal, are numbers). More digits than the currency has are
 * rounded half away from zero ("1.005" USD → 101); "1000.00" JPY → 1000.
 *
 * @throws MappingError naming `field` when the value is not a decimal amount.
 */
export function toMinor(value: unknown, decimals: number, topic: string, field: string): number {
	let text: string | undefined;
	if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
	const match = text === undefined ? null : DECIMAL.exec(text);
	if (!match) throw new MappingError(topic, field, 'is not a decimal string');
	const [, sign, whole, fraction = ''] = match;
	const kept = fraction.slice(0, decimals).padEnd(decimals, '0');
	const dropped = fraction.slice(decimals);
	let minor = Number(whole + kept);
	if (dropped !== '' && Number(dropped[0]) >= 5) minor += 1;
	if (!Number.isSafeInteger(minor)) throw new MappingError(topic, field, 'is too large');
	return sign === '-' && minor !== 0 ? -minor : minor;
}

/** Like toMinor, but absent (undefined/null/'') → undefined instead of an error. */
export function toMinorOptional(value: unknown, decimals: number, topic: string, field: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	return toMinor(value, decimals, topic, field);
}

/** Exact sum of minor units. */
export function sumMinor(values: number[]): number {
	let total = 0;
	for (const value of values) total += value;
	if (!Number.isSafeInteger(total)) throw new RangeError('money total exceeds the safe integer range');
	return total;
}

/** Exact unit price × quantity. */
export function timesQuantity(minor: number, quantity: number): number {
	const total = minor * quantity;
	if (!Number.isSafeInteger(total)) throw new RangeError('money total exceeds the safe integer range');
	return total;
}

/** 4999 → 49.99 (the closest number to the exact decimal; Klaviyo wants a JSON number). */
export function toMajor(minor: number, decimals: number): number {
	return Number((minor / 10 ** decimals).toFixed(decimals));
}

/** "49.99" → 49.99, exact to the currency's decimals. */
export function amount(value: unknown, decimals: number, topic: string, field: string): number {
	return toMajor(toMinor(value, decimals, topic, field), decimals);
}
