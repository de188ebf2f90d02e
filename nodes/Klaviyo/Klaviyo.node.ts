import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import * as createEvents from './actions/bulk/createEvents';
import * as importProfiles from './actions/bulk/importProfiles';
import { transportOptions } from './actions/common';
import * as requestProfileDeletion from './actions/dataPrivacy/requestProfileDeletion';
import * as createEvent from './actions/event/create';
import * as sendMapped from './actions/mappedRequest/send';
import * as createOrUpdateProfile from './actions/profile/createOrUpdate';
import * as subscribe from './actions/subscription/subscribe';
import * as unsubscribe from './actions/subscription/unsubscribe';

type Execute = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

const ROUTES: Record<string, Record<string, Execute>> = {
	mappedRequest: { send: sendMapped.execute },
	profile: { createOrUpdate: createOrUpdateProfile.execute },
	event: { create: createEvent.execute },
	subscription: { subscribe: subscribe.execute, unsubscribe: unsubscribe.execute },
	dataPrivacy: { requestProfileDeletion: requestProfileDeletion.execute },
	bulk: { createEvents: createEvents.execute, importProfiles: importProfiles.execute },
};

export class Klaviyo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Klaviyo',
		name: 'klaviyo',
		icon: { light: 'file:../../icons/klaviyo.svg', dark: 'file:../../icons/klaviyo.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send profiles, events, consent and privacy requests to Klaviyo, riding its rate limits with retries',
		defaults: { name: 'Klaviyo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'klaviyoPrivateKeyApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Bulk', value: 'bulk' },
					{ name: 'Data Privacy', value: 'dataPrivacy' },
					{ name: 'Event', value: 'event' },
					{ name: 'Mapped Request', value: 'mappedRequest' },
					{ name: 'Profile', value: 'profile' },
					{ name: 'Subscription', value: 'subscription' },
				],
				default: 'mappedRequest',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['mappedRequest'] } },
				options: [
					{
						name: 'Send',
						value: 'send',
						action: 'Send a mapped request',
						description: 'Send the request the Shopify to Klaviyo node produced (operation + body)',
					},
				],
				default: 'send',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['profile'] } },
				options: [
					{
						name: 'Create or Update',
						value: 'createOrUpdate',
						action: 'Create or update a profile',
						description: 'Create a profile or update the one with the same identifiers',
					},
				],
				default: 'createOrUpdate',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['event'] } },
				options: [
					{
						name: 'Create',
						value: 'create',
						action: 'Create an event',
						description: 'Track an activity of a profile',
					},
				],
				default: 'create',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['subscription'] } },
				options: [
					{
						name: 'Subscribe',
						value: 'subscribe',
						action: 'Subscribe a profile',
						description: 'Record marketing consent for email or SMS',
					},
					{
						name: 'Unsubscribe',
						value: 'unsubscribe',
						action: 'Unsubscribe a profile',
						description: 'Withdraw marketing consent for email or SMS',
					},
				],
				default: 'subscribe',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['dataPrivacy'] } },
				options: [
					{
						name: 'Request Profile Deletion',
						value: 'requestProfileDeletion',
						action: 'Request a profile deletion',
						description: 'Delete a profile and its data (GDPR / CCPA)',
					},
				],
				default: 'requestProfileDeletion',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['bulk'] } },
				options: [
					{
						name: 'Create Events in Bulk',
						value: 'createEvents',
						action: 'Create events in bulk',
						description: 'Send all input events in bulk jobs of up to 1000 events',
					},
					{
						name: 'Import Profiles in Bulk',
						value: 'importProfiles',
						action: 'Import profiles in bulk',
						description: 'Import all input profiles in jobs of up to 10 000 profiles',
					},
				],
				default: 'createEvents',
			},
			...sendMapped.description,
			...createOrUpdateProfile.description,
			...createEvent.description,
			...subscribe.description,
			...unsubscribe.description,
			...requestProfileDeletion.description,
			...createEvents.description,
			...importProfiles.description,
			transportOptions,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const run = ROUTES[resource]?.[operation];
		if (!run) {
			throw new NodeOperationError(this.getNode(), `Unsupported operation "${operation}" for resource "${resource}"`);
		}
		return [await run.call(this)];
	}
}
