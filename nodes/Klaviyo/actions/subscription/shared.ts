import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { subscriptionJobBody } from '../../../shared/klaviyoBodies';

export function subscriptionFields(operation: 'subscribe' | 'unsubscribe'): INodeProperties[] {
	const props: INodeProperties[] = [
		{
			displayName: 'Channel',
			name: 'channel',
			type: 'options',
			options: [
				{ name: 'Email', value: 'email' },
				{ name: 'SMS', value: 'sms' },
			],
			default: 'email',
			description: 'Which marketing channel consent to change',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			displayOptions: { show: { channel: ['email'] } },
		},
		{
			displayName: 'Phone Number',
			name: 'phoneNumber',
			type: 'string',
			default: '',
			required: true,
			placeholder: '+15005550006',
			description: 'Phone number in E.164 format',
			displayOptions: { show: { channel: ['sms'] } },
		},
		{
			displayName: 'List ID',
			name: 'listId',
			type: 'string',
			default: '',
			description:
				operation === 'subscribe'
					? 'Optional list to add the subscribed profile to'
					: 'Optional list to remove the profile from',
		},
	];
	if (operation === 'subscribe') {
		props.push({
			displayName: 'Custom Source',
			name: 'customSource',
			type: 'string',
			default: '',
			placeholder: 'Shopify checkout',
			description: 'Stored on the consent record as where the consent came from',
		});
	}
	return props;
}

/** The subscription job body (nodes/shared/klaviyoBodies.ts) from the subscription parameters. */
export function subscriptionBody(
	ctx: IExecuteFunctions,
	i: number,
	consent: 'SUBSCRIBED' | 'UNSUBSCRIBED',
	customSource?: string,
): IDataObject {
	const channel = ctx.getNodeParameter('channel', i, 'email') as 'email' | 'sms';
	const identifier: IDataObject = {};
	if (channel === 'email') {
		const email = (ctx.getNodeParameter('email', i, '') as string).trim();
		if (!email) throw new NodeOperationError(ctx.getNode(), 'Email is required', { itemIndex: i });
		identifier.email = email;
	} else {
		const phone = (ctx.getNodeParameter('phoneNumber', i, '') as string).trim();
		if (!phone) throw new NodeOperationError(ctx.getNode(), 'Phone Number is required', { itemIndex: i });
		identifier.phone_number = phone;
	}
	const listId = (ctx.getNodeParameter('listId', i, '') as string).trim();
	return subscriptionJobBody({ consent, channel, identifier, customSource, listId }) as IDataObject;
}
