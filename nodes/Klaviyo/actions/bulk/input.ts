import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { KlaviyoOperation } from '../../../shared/contract';
import { credentialInfo } from '../../transport/request';
import type { NodeSettings } from '../common';
import { deadLetter, getSettings, OutputCollector, passthroughOf, preparationFailure } from '../common';

/** What the bulk operations read from their input: the mapper's requests, or the fields below. */

/** The Source parameter of a bulk operation (`what`: "event" or "profile"). */
export function sourceParameter(what: 'event' | 'profile', operation: KlaviyoOperation): INodeProperties {
	const plural = what === 'event' ? 'Events' : 'Profiles';
	const mapped = 'mapped';
	return {
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{
				name: `Mapped ${plural} From Input`,
				value: 'mapped',
				description: `Each input item is ${what === 'event' ? 'an event' : 'a profile'} request from the Shopify to Klaviyo node (operation ${operation})`,
			},
			{
				name: 'Fields Below',
				value: 'fields',
				description: `Build one ${what} per input item from the fields below`,
			},
		],
		default: mapped,
	};
}

export interface BulkRun {
	items: INodeExecutionData[];
	settings: NodeSettings;
	out: OutputCollector;
	/** 'mapped' or 'fields' */
	source: string;
}

export async function startBulkRun(ctx: IExecuteFunctions): Promise<BulkRun> {
	const items = ctx.getInputData();
	const settings = getSettings(ctx);
	const { secrets } = await credentialInfo(ctx);
	const out = new OutputCollector(ctx, secrets);
	return { items, settings, out, source: ctx.getNodeParameter('source', 0, 'mapped') as string };
}

/** The error for an input item that is not the mapped request the operation takes. */
export function notTheMappedRequest(ctx: IExecuteFunctions, json: IDataObject, i: number, operation: KlaviyoOperation): NodeOperationError {
	const what = operation === 'event.create' ? 'an event' : 'a profile';
	return new NodeOperationError(
		ctx.getNode(),
		`Input item is not ${what} request (operation ${JSON.stringify(json.operation)}); use Source "Fields Below" or feed ${operation} items`,
		{ itemIndex: i },
	);
}

/**
 * Prepare every input item; an item that cannot be prepared goes to the error output at once, as a
 * dead letter of its single-item `operation` (replayable through Mapped Request → Send).
 */
export function prepareEach(
	ctx: IExecuteFunctions,
	run: BulkRun,
	operation: KlaviyoOperation,
	prepare: (i: number, json: IDataObject) => void,
): void {
	for (let i = 0; i < run.items.length; i++) {
		const json = run.items[i].json ?? {};
		try {
			prepare(i, json);
		} catch (error) {
			const body = (json.body && typeof json.body === 'object' ? json.body : {}) as IDataObject;
			run.out.failure(
				i,
				deadLetter({ operation, body, passthrough: passthroughOf(json) }, preparationFailure(error), 0),
				error instanceof NodeOperationError ? error : undefined,
			);
		}
	}
}
