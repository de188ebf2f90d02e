import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { buildEventBody, eventFields } from '../fields';

const displayOptions = { show: { resource: ['event'], operation: ['create'] } };

export const description: INodeProperties[] = eventFields(displayOptions);

/** POST /api/events (EventCreateQueryV2), one request per item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => ({
		operation: 'event.create',
		body: buildEventBody(this, i),
		passthrough: passthroughOf(item.json),
	}));
}
