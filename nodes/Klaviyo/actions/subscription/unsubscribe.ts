import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { listRelationship, subscriptionFields, subscriptionProfile } from './shared';
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
	return await runPerItem(this, (i, item) => {
		const data: IDataObject = {
			type: 'profile-subscription-bulk-delete-job',
			attributes: { profiles: { data: [subscriptionProfile(this, i, 'UNSUBSCRIBED')] } },
		};
		const relationships = listRelationship(this, i);
		if (relationships) data.relationships = relationships;
		return { operation: 'subscription.unsubscribe', body: { data }, passthrough: passthroughOf(item.json) };
	});
}
