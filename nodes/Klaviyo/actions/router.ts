import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import * as bulk from './bulk';
import * as dataPrivacy from './dataPrivacy';
import * as event from './event';
import type { Klaviyo, KlaviyoMap, KlaviyoResource, OperationModule } from './Interfaces';
import * as mappedRequest from './mappedRequest';
import * as profile from './profile';
import * as subscription from './subscription';

/**
 * The Klaviyo node's resources. Each resource's operations are the exports of its
 * actions/<resource>/index.ts (one line per operation); every operation file satisfies
 * OperationModule, checked here. Adding an operation: see README "Adding an operation".
 */
export const RESOURCES = {
	mappedRequest: { name: 'Mapped Request', operations: mappedRequest },
	profile: { name: 'Profile', operations: profile },
	event: { name: 'Event', operations: event },
	subscription: { name: 'Subscription', operations: subscription },
	dataPrivacy: { name: 'Data Privacy', operations: dataPrivacy },
	bulk: { name: 'Bulk', operations: bulk },
} satisfies Record<string, { name: string; operations: Record<string, OperationModule> }>;

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** The operation module for a resource and one of its operations; a wrong pair does not compile. */
export function operationOf<R extends KlaviyoResource>(resource: R, operation: KlaviyoMap[R]): OperationModule {
	return (RESOURCES[resource].operations as Record<string, OperationModule>)[operation];
}

/** Every { resource, operation } pair, in the editor's order. */
export function allOperations(): Array<Klaviyo & { module: OperationModule }> {
	return (Object.keys(RESOURCES) as KlaviyoResource[]).flatMap((resource) =>
		sortedOperations(resource).map(([operation, module]) => ({ resource, operation, module }) as Klaviyo & { module: OperationModule }),
	);
}

function sortedOperations(resource: KlaviyoResource): Array<[string, OperationModule]> {
	const operations = Object.entries(RESOURCES[resource].operations as Record<string, OperationModule>);
	return operations.sort(([, a], [, b]) => a.option.name.localeCompare(b.option.name));
}

/** The node's properties: Resource, one Operation list per resource, then each operation's fields. */
export function nodeProperties(): INodeProperties[] {
	const resources = Object.entries(RESOURCES).map(([value, r]) => ({ name: r.name, value }));
	const selectors = (Object.keys(RESOURCES) as KlaviyoResource[]).map((resource): INodeProperties => {
		const operations = sortedOperations(resource);
		const first = operations[0][0];
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options: operations.map(([value, module]) => ({
				name: module.option.name,
				value,
				action: module.option.action,
				description: module.option.description,
			})),
			default: first,
		};
	});
	const fields = allOperations().flatMap(({ resource, operation, module }) =>
		module.description.map((p) => ({
			...p,
			displayOptions: {
				...p.displayOptions,
				show: { resource: [resource], operation: [operation], ...p.displayOptions?.show },
			},
		})),
	);
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.sort((a, b) => a.name.localeCompare(b.name)),
			default: 'mappedRequest',
		},
		...selectors,
		...fields,
	];
}

/** Runs the operation the node's Resource and Operation parameters name (node-wide: item 0). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	if (!hasOwn(RESOURCES, resource) || !hasOwn(RESOURCES[resource as KlaviyoResource].operations, operation)) {
		throw new NodeOperationError(this.getNode(), `Unsupported operation "${operation}" for resource "${resource}"`);
	}
	const klaviyo = { resource, operation } as Klaviyo;
	const module = (RESOURCES[klaviyo.resource].operations as Record<string, OperationModule>)[klaviyo.operation];
	return [await module.execute.call(this)];
}
