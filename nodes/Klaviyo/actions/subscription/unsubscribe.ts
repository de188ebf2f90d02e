import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { subscriptionBody, subscriptionFields } from './shared';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Unsubscribe',
	action: 'Unsubscribe a profile',
	description: 'Withdraw marketing consent for email or SMS',
};

export const description: INodeProperties[] = subscriptionFields('unsubscribe');

/** POST /api/profile-subscription-bulk-delete-jobs (SubscriptionDeleteJobCreateQuery), one job per item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => ({
		operation: 'subscription.unsubscribe',
		body: subscriptionBody(this, i, 'UNSUBSCRIBED'),
		passthrough: passthroughOf(item.json),
	}));
}
