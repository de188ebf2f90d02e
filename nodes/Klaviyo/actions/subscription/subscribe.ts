import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { subscriptionBody, subscriptionFields } from './shared';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Subscribe',
	action: 'Subscribe a profile',
	description: 'Record marketing consent for email or SMS',
};

export const description: INodeProperties[] = subscriptionFields('subscribe');

/** POST /api/profile-subscription-bulk-create-jobs (SubscriptionCreateJobCreateQuery), one job per item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => {
		const customSource = (this.getNodeParameter('customSource', i, '') as string).trim();
		const body = subscriptionBody(this, i, 'SUBSCRIBED', customSource);
		return { operation: 'subscription.subscribe', body, passthrough: passthroughOf(item.json) };
	});
}
