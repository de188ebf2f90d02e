import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { passthroughOf, runPerItem } from '../common';
import { buildProfileResource, profileFields } from '../fields';

const displayOptions = { show: { resource: ['profile'], operation: ['createOrUpdate'] } };

export const description: INodeProperties[] = profileFields(displayOptions);

/** POST /api/profile-import (ProfileUpsertQuery), one request per item. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => ({
		operation: 'profile.upsert',
		body: { data: buildProfileResource(this, i) },
		passthrough: passthroughOf(item.json),
	}));
}
