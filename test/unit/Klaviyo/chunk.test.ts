import type { IDataObject } from 'n8n-workflow';
import type { BulkEventEntry } from '../../../nodes/Klaviyo/actions/bulk/chunk';
import { chunk, eventJobBody, planEventJobs, toBulkEntry } from '../../../nodes/Klaviyo/actions/bulk/chunk';
import { eventBody, openapi } from './helpers';

const entry = (index: number, uniqueId?: string, email = 'a@example.com'): BulkEventEntry =>
	toBulkEntry(index, eventBody({ email, uniqueId }) as IDataObject, false)!;

describe('bulk event planning', () => {
	it('converts an EventCreateQueryV2 into a bulk entry, moving profile meta', () => {
		const body = eventBody({ uniqueId: 'x' }) as IDataObject;
		((((body.data as IDataObject).attributes as IDataObject).profile as IDataObject).data as IDataObject).attributes = {
			email: 'a@example.com',
			meta: { patch_properties: { append: { skus: '1' } } },
		};
		const e = toBulkEntry(0, body, true)!;
		expect(e.uniqueId).toBe('x');
		expect(e.profile).toEqual({
			type: 'profile',
			attributes: { email: 'a@example.com' },
			meta: { patch_properties: { append: { skus: '1' } } },
		});
		expect((e.event.attributes as IDataObject).backfill).toBe(true);
		expect((e.event.attributes as IDataObject).profile).toBeUndefined();
		expect(openapi.validate('EventsBulkCreateJob', eventJobBody([e]))).toEqual([]);
		expect(toBulkEntry(0, { data: { type: 'profile' } }, false)).toBeUndefined();
	});

	it('fills jobs up to the cap, in order', () => {
		const entries = Array.from({ length: 2501 }, (_, i) => entry(i, `u${i}`));
		const plan = planEventJobs(entries, 1000);
		expect(plan.jobs.map((j) => j.length)).toEqual([1000, 1000, 501]);
		expect(plan.jobs[1][0].index).toBe(1000);
		expect(plan.notes.size).toBe(0);
	});

	it('defers duplicates of a unique_id to the next job that lacks it', () => {
		const entries = [entry(0, 'A'), entry(1, 'A'), entry(2, 'A'), entry(3, 'B'), entry(4)];
		const plan = planEventJobs(entries, 1000);
		expect(plan.jobs.map((j) => j.map((e) => e.index))).toEqual([[0, 3, 4], [1], [2]]);
		for (const job of plan.jobs) {
			const uids = job.map((e) => e.uniqueId).filter(Boolean);
			expect(new Set(uids).size).toBe(uids.length);
		}
		expect(plan.notes.get(1)).toEqual(['unique_id A already in bulk job 1; sent in bulk job 2']);
		expect(plan.notes.get(2)).toEqual(['unique_id A already in bulk job 1; sent in bulk job 3']);
	});

	it('groups events of the same profile into one entry', () => {
		const body = eventJobBody([entry(0, 'a', 'x@example.com'), entry(1, 'b', 'y@example.com'), entry(2, 'c', 'x@example.com')]);
		const groups = ((body.data as IDataObject).attributes as IDataObject)['events-bulk-create'] as {
			data: Array<{ attributes: { profile: { data: { attributes: IDataObject } }; events: { data: unknown[] } } }>;
		};
		expect(groups.data.map((g) => [g.attributes.profile.data.attributes.email, g.attributes.events.data.length])).toEqual([
			['x@example.com', 2],
			['y@example.com', 1],
		]);
		expect(openapi.validate('EventsBulkCreateJob', body)).toEqual([]);
	});

	it('chunk splits by size', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		expect(chunk([], 10)).toEqual([]);
	});
});
