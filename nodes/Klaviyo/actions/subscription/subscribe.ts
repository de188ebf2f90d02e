import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { listRelationship, subscriptionFields, subscriptionProfile } from './shared';
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
		const attributes: IDataObject = {
			profiles: { data: [subscriptionProfile(this, i, 'SUBSCRIBED')] },
		};
		const customSource = (this.getNodeParameter('customSource', i, '') as string).trim();
		if (customSource) attributes.custom_source = customSource;
		const data: IDataObject = { type: 'profile-subscription-bulk-create-job', attributes };
		const relationships = listRelationship(this, i);
		if (relationships) data.relationships = relationships;
		return { operation: 'subscription.subscribe', body: { data }, passthrough: passthroughOf(item.json) };
	});
}
