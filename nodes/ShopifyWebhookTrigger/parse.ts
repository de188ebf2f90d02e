/**
 * JSON parsing that keeps integers beyond Number.MAX_SAFE_INTEGER intact, as strings.
 * Pure: no n8n imports, never throws.
 *
 * Shopify ids are 64-bit (e.g. 820982911946154508 in admin test notifications); JSON.parse would
 * silently round them (…500). A single pass over the text quotes every integer literal that is not
 * a safe integer, outside string literals only; floats and exponent forms are left untouched.
 */
export type ParseResult = { ok: true; value: unknown } | { ok: false; reason: string };

function isDigit(code: number): boolean {
	return code >= 48 && code <= 57;
}

/** Returns the text with unsafe integer literals quoted. Invalid JSON stays invalid. */
export function quoteUnsafeIntegers(text: string): string {
	const parts: string[] = [];
	let last = 0;
	let i = 0;
	const n = text.length;
	while (i < n) {
		const ch = text.charCodeAt(i);
		if (ch === 34 /* " */) {
			// Skip the whole string literal, honouring backslash escapes.
			i++;
			while (i < n) {
				const c = text.charCodeAt(i);
				if (c === 92 /* \ */) {
					i += 2;
				} else if (c === 34) {
					i++;
					break;
				} else {
					i++;
				}
			}
			continue;
		}
		if (ch === 45 /* - */ || isDigit(ch)) {
			const start = i;
			if (ch === 45) i++;
			const intStart = i;
			while (i < n && isDigit(text.charCodeAt(i))) i++;
			const intEnd = i;
			let isInteger = intEnd > intStart;
			if (i < n && text.charCodeAt(i) === 46 /* . */) {
				isInteger = false;
				i++;
				while (i < n && isDigit(text.charCodeAt(i))) i++;
			}
			if (i < n && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69) /* e E */) {
				isInteger = false;
				i++;
				if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
				while (i < n && isDigit(text.charCodeAt(i))) i++;
			}
			// Only well-formed JSON integers (no leading zeros): quoting must never make bad JSON valid.
			if (isInteger && (intEnd - intStart === 1 || text.charCodeAt(intStart) !== 48)) {
				const literal = text.slice(start, i);
				if (!Number.isSafeInteger(Number(literal))) {
					parts.push(text.slice(last, start), '"', literal, '"');
					last = i;
				}
			}
			if (i === start) i++;
			continue;
		}
		i++;
	}
	if (last === 0) return text;
	parts.push(text.slice(last));
	return parts.join('');
}

/** Parses Shopify's JSON body, keeping unsafe integers as strings. */
export function parseShopifyJson(input: string | Buffer): ParseResult {
	try {
		const text = (Buffer.isBuffer(input) ? input.toString('utf8') : String(input)).replace(
			/^\uFEFF/,
			'',
		);
		if (text.trim() === '') return { ok: false, reason: 'empty body' };
		return { ok: true, value: JSON.parse(quoteUnsafeIntegers(text)) as unknown };
	} catch (error) {
		return { ok: false, reason: error instanceof Error ? error.message : 'invalid JSON' };
	}
}
