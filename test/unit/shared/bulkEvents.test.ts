import { eventJobBody, planEventJobs, toBulkEvent } from '../../../nodes/shared/klaviyoBodies';
import { chunk, toBulkEntry } from '../../../nodes/Klaviyo/actions/bulk/chunk';

/** The bulk-event wire format, exactly (mutation testing showed these branches untested). */
const single = (profileAttributes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	data: {
		type: 'event',
		attributes: {
			properties: { OrderId: '1' },
			metric: { data: { type: 'metric', attributes: { name: 'Ordered Product' } } },
			profile: { data: { type: 'profile', attributes: profileAttributes } },
			...extra,
		},
	},
});

describe('toBulkEvent', () => {
	it('moves a profile meta to the profile resource; a null meta is dropped; backfill only when asked', () => {
		const withMeta = toBulkEvent(single({ email: 'a@example.com', meta: { patch_properties: { append: { x: 1 } } } }, { unique_id: 'u1' }), true);
		expect(withMeta).toEqual({
			profile: { type: 'profile', attributes: { email: 'a@example.com' }, meta: { patch_properties: { append: { x: 1 } } } },
			event: { type: 'event', attributes: { properties: { OrderId: '1' }, metric: { data: { type: 'metric', attributes: { name: 'Ordered Product' } } }, unique_id: 'u1', backfill: true } },
			uniqueId: 'u1',
		});
		const nullMeta = toBulkEvent(single({ email: 'a@example.com', meta: null }), false);
		expect(nullMeta?.profile).toEqual({ type: 'profile', attributes: { email: 'a@example.com' } });
		expect(nullMeta?.event.attributes).not.toHaveProperty('backfill');
		expect(nullMeta?.uniqueId).toBeUndefined();
		expect(toBulkEvent(single({ email: 'a@example.com' }, { unique_id: 42 }), false)?.uniqueId).toBeUndefined();
	});

	it('anything but an event body with a profile → undefined; the input is not changed', () => {
		expect(toBulkEvent({ data: { type: 'profile', attributes: {} } }, false)).toBeUndefined();
		expect(toBulkEvent({ data: { type: 'event' } }, false)).toBeUndefined();
		expect(toBulkEvent({ data: { type: 'event', attributes: { profile: {} } } }, false)).toBeUndefined();
		expect(toBulkEvent({}, false)).toBeUndefined();
		const body = single({ email: 'a@example.com', meta: { x: 1 } });
		const before = JSON.stringify(body);
		toBulkEvent(body, true);
		expect(JSON.stringify(body)).toBe(before);
		expect(toBulkEvent({ data: { type: 'event', attributes: { profile: { data: { type: 'profile' } } } } }, false)?.profile).toEqual({ type: 'profile', attributes: {} });
	});
});

describe('planEventJobs', () => {
	const e = (index: number, uniqueId?: string) => ({ index, uniqueId });

	it('a duplicate goes to the first later job without it, with a note naming both jobs; full jobs are skipped', () => {
		const { jobs, notes } = planEventJobs([e(0, 'a'), e(1, 'b'), e(2, 'a'), e(3, 'c'), e(4, 'a'), e(5)], 2);
		expect(jobs.map((j) => j.map((x) => x.index))).toEqual([[0, 1], [2, 3], [4, 5]]);
		expect([...notes.entries()]).toEqual([
			[2, ['unique_id a already in bulk job 1; sent in bulk job 2']],
			[4, ['unique_id a already in bulk job 1; sent in bulk job 3']],
		]);
	});

	it('events without unique_id never conflict; a cap below 1 is 1, fractions are floored', () => {
		expect(planEventJobs([e(0), e(1), e(2)], 5).jobs.map((j) => j.length)).toEqual([3]);
		expect(planEventJobs([e(0), e(1)], 0).jobs.map((j) => j.length)).toEqual([1, 1]);
		expect(planEventJobs([e(0), e(1), e(2)], 2.9).jobs.map((j) => j.length)).toEqual([2, 1]);
		expect(planEventJobs([], 10)).toEqual({ jobs: [], notes: new Map() });
	});

	it('an earlier job with room takes a later event that is not a duplicate there', () => {
		const { jobs } = planEventJobs([e(0, 'a'), e(1, 'a'), e(2, 'b')], 3);
		expect(jobs.map((j) => j.map((x) => x.index))).toEqual([[0, 2], [1]]);
	});
});

describe('eventJobBody', () => {
	const profile = (attributes: Record<string, unknown>, id?: string) => ({ type: 'profile', ...(id ? { id } : {}), attributes });
	const event = (n: number) => ({ type: 'event', attributes: { properties: { n } } });

	it('groups by profile id and identifiers; later attributes complete earlier ones; order kept', () => {
		const body = eventJobBody([
			{ profile: profile({ email: 'a@example.com', first_name: 'A' }), event: event(1) },
			{ profile: profile({ email: 'b@example.com' }), event: event(2) },
			{ profile: profile({ email: 'a@example.com', last_name: 'Z' }), event: event(3) },
			{ profile: profile({ email: 'a@example.com' }, 'P1'), event: event(4) },
			{ profile: profile({ phone_number: '+14155552671' }), event: event(5) },
			{ profile: profile({ external_id: 'x' }), event: event(6) },
			{ profile: profile({ anonymous_id: 'an' }), event: event(7) },
			{ profile: { type: 'profile' }, event: event(8) },
		]);
		expect(body).toEqual({
			data: {
				type: 'event-bulk-create-job',
				attributes: {
					'events-bulk-create': {
						data: [
							{ type: 'event-bulk-create', attributes: { profile: { data: profile({ email: 'a@example.com', first_name: 'A', last_name: 'Z' }) }, events: { data: [event(1), event(3)] } } },
							{ type: 'event-bulk-create', attributes: { profile: { data: profile({ email: 'b@example.com' }) }, events: { data: [event(2)] } } },
							{ type: 'event-bulk-create', attributes: { profile: { data: profile({ email: 'a@example.com' }, 'P1') }, events: { data: [event(4)] } } },
							{ type: 'event-bulk-create', attributes: { profile: { data: profile({ phone_number: '+14155552671' }) }, events: { data: [event(5)] } } },
							{ type: 'event-bulk-create', attributes: { profile: { data: profile({ external_id: 'x' }) }, events: { data: [event(6)] } } },
							{ type: 'event-bulk-create', attributes: { profile: { data: profile({ anonymous_id: 'an' }) }, events: { data: [event(7)] } } },
							{ type: 'event-bulk-create', attributes: { profile: { data: { type: 'profile' } }, events: { data: [event(8)] } } },
						],
					},
				},
			},
		});
	});

	it('the first profile object is copied, not shared with the caller', () => {
		const p = profile({ email: 'a@example.com' });
		eventJobBody([
			{ profile: p, event: event(1) },
			{ profile: profile({ email: 'a@example.com', first_name: 'A' }), event: event(2) },
		]);
		expect(p).toEqual(profile({ email: 'a@example.com' }));
	});
});

describe('chunk (Klaviyo node)', () => {
	it('splits by size (at least 1, floored) and converts bodies with the input index', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		expect(chunk([1, 2], 0)).toEqual([[1], [2]]);
		expect(chunk([1, 2, 3], 2.5)).toEqual([[1, 2], [3]]);
		expect(chunk([], 3)).toEqual([]);
		expect(toBulkEntry(7, single({ email: 'a@example.com' }, { unique_id: 'u' }), false)).toMatchObject({ index: 7, uniqueId: 'u', profile: { type: 'profile' } });
		expect(toBulkEntry(1, { data: { type: 'profile' } }, false)).toBeUndefined();
	});
});
