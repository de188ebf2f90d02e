import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { isKlaviyoOperation, KLAVIYO_OPERATIONS } from '../../transport/endpoints';
import { passthroughOf, runPerItem } from '../common';
import type { OperationOption } from '../Interfaces';

/** Its entry in the resource's Operation list (router.ts shows the fields below only for it). */
export const option: OperationOption = {
	name: 'Send',
	action: 'Send a mapped request',
	description: 'Send the request the Shopify to Klaviyo node produced (operation + body)',
};

export const description: INodeProperties[] = [
	{
		displayName:
			'Sends each input item as produced by the Shopify to Klaviyo node: <code>operation</code> picks the endpoint and <code>body</code> is sent as is',
		name: 'mappedNotice',
		type: 'notice',
		default: '',
	},
];

/** One request per item: item.json.operation → method + path (transport table), item.json.body as body. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(this, (i, item) => {
		const json = item.json ?? {};
		if (!isKlaviyoOperation(json.operation)) {
			throw new NodeOperationError(
				this.getNode(),
				`Input item has no valid "operation" (got ${JSON.stringify(json.operation)}); expected one of ${KLAVIYO_OPERATIONS.join(', ')}`,
				{ itemIndex: i },
			);
		}
		if (!json.body || typeof json.body !== 'object' || Array.isArray(json.body)) {
			throw new NodeOperationError(this.getNode(), 'Input item has no "body" object', { itemIndex: i });
		}
		return { operation: json.operation, body: json.body as IDataObject, passthrough: passthroughOf(json) };
	});
}
