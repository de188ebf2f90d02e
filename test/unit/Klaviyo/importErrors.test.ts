import {
	attributeImportErrors,
	parseImportErrorsPage,
	singleProfilePointer,
} from '../../../nodes/Klaviyo/actions/bulk/importErrors';

const profile = (attributes: Record<string, unknown>, id?: string) => ({ type: 'profile', ...(id ? { id } : {}), attributes });

describe('profile import errors', () => {
	it('rebases a job pointer onto the single-profile body', () => {
		expect(singleProfilePointer('/data/attributes/profiles/data/3/attributes/email')).toBe('/data/attributes/email');
		expect(singleProfilePointer('/data/attributes/profiles/data/12')).toBe('/data');
		expect(singleProfilePointer('/data/attributes')).toBe('/data/attributes');
		expect(singleProfilePointer(undefined)).toBeUndefined();
	});

	it('parses a page and the cursor of the next one', () => {
		const page = parseImportErrorsPage({
			data: [
				{
					type: 'import-error',
					id: '1',
					attributes: { code: 'invalid', title: 'Invalid input.', detail: 'Bad.', source: { pointer: '/data/attributes/profiles/data/0/attributes/email' }, original_payload: null },
				},
			],
			links: { self: 'https://a.klaviyo.com/api/x', next: 'https://a.klaviyo.com/api/x?page%5Bsize%5D=100&page%5Bcursor%5D=abc' },
		});
		expect(page).toEqual({
			errors: [{ code: 'invalid', title: 'Invalid input.', detail: 'Bad.', pointer: '/data/attributes/profiles/data/0/attributes/email' }],
			nextCursor: 'abc',
		});
		expect(parseImportErrorsPage({ data: [], links: { self: 'x' } })).toEqual({ errors: [] });
		expect(parseImportErrorsPage(undefined)).toEqual({ errors: [] });
	});

	it('attributes errors by index, else by the identifiers of the original payload, once per profile', () => {
		const profiles = [
			profile({ email: 'a@example.com' }),
			profile({ email: 'b@example.com' }),
			profile({ phone_number: '+15005550006' }),
			profile({ external_id: 'X1' }, '01ID'),
			profile({ email: 'b@example.com' }),
		];
		const { byPosition, unattributed } = attributeImportErrors(profiles, [
			{ detail: 'by index', pointer: '/data/attributes/profiles/data/0/attributes/email' },
			{ detail: 'by email (case-insensitive)', pointer: '/data/attributes', originalPayload: profile({ email: 'B@Example.com' }) },
			{ detail: 'same identity again: the next one', originalPayload: profile({ email: 'b@example.com' }) },
			{ detail: 'by phone', originalPayload: profile({ phone_number: '+15005550006' }) },
			{ detail: 'index out of range', pointer: '/data/attributes/profiles/data/9/attributes/email' },
			{ detail: 'unknown identity', originalPayload: profile({ email: 'z@example.com' }) },
			{ detail: 'nothing to go by' },
		]);
		expect([...byPosition.entries()].map(([i, e]) => [i, e.detail])).toEqual([
			[0, 'by index'],
			[1, 'by email (case-insensitive)'],
			[4, 'same identity again: the next one'],
			[2, 'by phone'],
		]);
		expect(unattributed.map((e) => e.detail)).toEqual(['index out of range', 'unknown identity', 'nothing to go by']);
	});
});
