import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { deletionJobBody } from '../../../shared/klaviyoBodies';
import { passthroughOf, runPerItem } from '../common';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Request Profile Deletion',
	action: 'Request a profile deletion',
	description: 'Delete a profile and its data (GDPR / CCPA)',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Identify Profile By',
		name: 'identifyBy',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email' },
			{
				name: 'External ID',
				value: 'external_id',
				description: 'Looks the profile up by external_id first (needs the profiles:read scope)',
			},
			{ name: 'Phone Number', value: 'phone_number' },
			{ name: 'Profile ID', value: 'id' },
		],
		default: 'email',
	},
	{
		displayName: 'Value',
		name: 'identifier',
		type: 'string',
		required: true,
		default: '',
		description: 'The email, external ID, phone number (E.164) or Klaviyo profile ID of the profile to delete',
	},
];

/** POST /api/data-privacy-deletion-jobs (DataPrivacyCreateDeletionJobQuery), one job per item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => {
		const by = this.getNodeParameter('identifyBy', i, 'email') as 'email' | 'external_id' | 'phone_number' | 'id';
		const value = (this.getNodeParameter('identifier', i, '') as string).trim();
		if (!value) throw new NodeOperationError(this.getNode(), 'Value is required', { itemIndex: i });
		return {
			// Klaviyo deletes by email, phone or profile id; an external_id is looked up first (transport/send.ts).
			operation: by === 'external_id' ? 'dataPrivacy.deleteProfileByExternalId' : 'dataPrivacy.deleteProfile',
			body: deletionJobBody(by === 'id' ? { id: value } : { [by]: value }) as IDataObject,
			passthrough: passthroughOf(item.json),
		};
	});
}
