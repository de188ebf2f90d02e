import type { AllEntities, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { EndpointSpec } from '../transport/endpoints';
import type { RESOURCES } from './router';

/**
 * What one operation file (actions/<resource>/<operation>.ts) exports. Its value in the editor is
 * its export name in actions/<resource>/index.ts; router.ts shows its fields only for it.
 */
export interface OperationModule {
	/** Its entry in the resource's Operation list */
	option: OperationOption;
	/** Its fields, without resource/operation displayOptions (router.ts adds them) */
	description: INodeProperties[];
	/** Klaviyo endpoints it calls that transport/endpoints.ts does not list (rate limits, scopes) */
	endpoints?: EndpointSpec[];
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

export interface OperationOption {
	name: string;
	action: string;
	description: string;
}

/** Resource → its operations, derived from the resource indexes: nothing to keep in step by hand. */
export type KlaviyoMap = {
	[R in keyof typeof RESOURCES]: keyof (typeof RESOURCES)[R]['operations'] & string;
};

export type KlaviyoResource = keyof KlaviyoMap;

/** Every valid { resource, operation } pair (as n8n's Mattermost node types its router). */
export type Klaviyo = AllEntities<KlaviyoMap>;
