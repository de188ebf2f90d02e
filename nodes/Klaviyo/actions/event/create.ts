import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { buildEventBody, eventFields } from '../fields';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Create',
	action: 'Create an event',
	description: 'Track an activity of a profile',
};

export const description: INodeProperties[] = eventFields();

/** POST /api/events (EventCreateQueryV2), one request per item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => ({
		operation: 'event.create',
		body: buildEventBody(this, i),
		passthrough: passthroughOf(item.json),
	}));
}
