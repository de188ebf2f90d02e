import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { transportOptions } from './actions/common';
import { nodeProperties, router } from './actions/router';

/** Descriptions and glue only: resources and operations live in actions/ (see actions/router.ts). */
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
		properties: [...nodeProperties(), transportOptions],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
