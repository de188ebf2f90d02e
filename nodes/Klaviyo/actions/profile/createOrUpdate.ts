import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { profileImportBody } from '../../../shared/klaviyoBodies';
import { buildProfileAttributes, profileFields } from '../fields';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Create or Update',
	action: 'Create or update a profile',
	description: 'Create a profile or update the one with the same identifiers',
};

export const description: INodeProperties[] = profileFields();

/** POST /api/profile-import (ProfileUpsertQuery), one request per item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => ({
		operation: 'profile.upsert',
		body: profileImportBody(buildProfileAttributes(this, i)) as IDataObject,
		passthrough: passthroughOf(item.json),
	}));
}
