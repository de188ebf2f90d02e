import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { compact, eventBody } from '../../shared/klaviyoBodies';
import { parseJsonParameter } from './common';

/** Shared field definitions for profiles and events, read into nodes/shared/klaviyoBodies.ts builders. */

/** `displayOptions` beyond the resource and operation (router.ts adds those), e.g. { show: { source: ['fields'] } }. */
function withDisplay(props: INodeProperties[], displayOptions?: IDisplayOptions): INodeProperties[] {
	return displayOptions ? props.map((p) => ({ ...p, displayOptions })) : props;
}

export function profileFields(displayOptions?: IDisplayOptions): INodeProperties[] {
	return withDisplay(
		[
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Email address of the profile. At least one of email, phone number or external ID is needed.',
			},
			{
				displayName: 'Phone Number',
				name: 'phoneNumber',
				type: 'string',
				default: '',
				placeholder: '+15005550006',
				description: 'Phone number in E.164 format',
			},
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				description: 'Your own identifier for this person, e.g. the Shopify customer ID',
			},
			{
				displayName: 'Additional Fields',
				name: 'profileFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [
					{ displayName: 'Address 1', name: 'address1', type: 'string', default: '' },
					{ displayName: 'Address 2', name: 'address2', type: 'string', default: '' },
					{ displayName: 'City', name: 'city', type: 'string', default: '' },
					{ displayName: 'Country', name: 'country', type: 'string', default: '' },
					{ displayName: 'First Name', name: 'first_name', type: 'string', default: '' },
					{ displayName: 'Last Name', name: 'last_name', type: 'string', default: '' },
					{ displayName: 'Locale', name: 'locale', type: 'string', default: '', placeholder: 'en-US' },
					{ displayName: 'Organization', name: 'organization', type: 'string', default: '' },
					{ displayName: 'Region', name: 'region', type: 'string', default: '' },
					{ displayName: 'Timezone', name: 'timezone', type: 'string', default: '', placeholder: 'America/New_York' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '' },
					{ displayName: 'Zip', name: 'zip', type: 'string', default: '' },
				],
			},
			{
				displayName: 'Custom Properties',
				name: 'customProperties',
				type: 'fixedCollection',
				placeholder: 'Add Property',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Property',
						name: 'property',
						values: [
							{ displayName: 'Key', name: 'key', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
		],
		displayOptions,
	);
}

const LOCATION_KEYS = ['address1', 'address2', 'city', 'country', 'region', 'zip', 'timezone'];

/** Identifiers of a profile from the email/phone/external ID parameters. */
export function profileIdentifiers(ctx: IExecuteFunctions, i: number): IDataObject {
	return compact({
		email: (ctx.getNodeParameter('email', i, '') as string).trim(),
		phone_number: (ctx.getNodeParameter('phoneNumber', i, '') as string).trim(),
		external_id: (ctx.getNodeParameter('externalId', i, '') as string).trim(),
	});
}

/** The profile's attributes from the profile parameters (see profileResource / profileImportBody). */
export function buildProfileAttributes(ctx: IExecuteFunctions, i: number): IDataObject {
	const identifiers = profileIdentifiers(ctx, i);
	if (!Object.keys(identifiers).length) {
		throw new NodeOperationError(ctx.getNode(), 'Set at least one of Email, Phone Number or External ID', {
			itemIndex: i,
		});
	}
	const extra = ctx.getNodeParameter('profileFields', i, {}) as IDataObject;
	const attributes: IDataObject = { ...identifiers };
	const location: IDataObject = {};
	for (const [k, v] of Object.entries(compact(extra))) {
		if (LOCATION_KEYS.includes(k)) location[k] = String(v);
		else attributes[k] = String(v);
	}
	if (Object.keys(location).length) attributes.location = location;
	const custom = ctx.getNodeParameter('customProperties', i, {}) as {
		property?: Array<{ key: string; value: string }>;
	};
	const properties: IDataObject = {};
	for (const p of custom.property ?? []) {
		if (p.key) properties[p.key] = p.value;
	}
	if (Object.keys(properties).length) attributes.properties = properties;
	return attributes;
}

export function eventFields(displayOptions?: IDisplayOptions): INodeProperties[] {
	return withDisplay(
		[
			{
				displayName: 'Metric Name',
				name: 'metricName',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'Placed Order',
				description: 'Name of the event (metric), less than 128 characters',
			},
			{
				displayName: 'Profile Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Email of the person. At least one of email, phone number or external ID is needed.',
			},
			{
				displayName: 'Profile Phone Number',
				name: 'phoneNumber',
				type: 'string',
				default: '',
				placeholder: '+15005550006',
				description: 'Phone number in E.164 format',
			},
			{
				displayName: 'Profile External ID',
				name: 'externalId',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Event Properties (JSON)',
				name: 'eventProperties',
				type: 'json',
				default: '{}',
				description: 'Custom properties of the event as a JSON object',
			},
			{
				displayName: 'Additional Fields',
				name: 'eventFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: [
					{
						displayName: 'Time',
						name: 'time',
						type: 'dateTime',
						default: '',
						description: 'When the event happened; defaults to now',
					},
					{
						displayName: 'Unique ID',
						name: 'unique_id',
						type: 'string',
						default: '',
						description:
							'Klaviyo keeps only one event per profile, metric and unique ID, so resending is safe',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'number',
						default: 0,
						description: 'Numeric value of the event, e.g. the order total',
					},
					{
						displayName: 'Value Currency',
						name: 'value_currency',
						type: 'string',
						default: '',
						placeholder: 'USD',
					},
				],
			},
		],
		displayOptions,
	);
}

/** EventCreateQueryV2 from the event parameters. */
export function buildEventBody(ctx: IExecuteFunctions, i: number): IDataObject {
	const metricName = (ctx.getNodeParameter('metricName', i, '') as string).trim();
	if (!metricName) {
		throw new NodeOperationError(ctx.getNode(), 'Metric Name is required', { itemIndex: i });
	}
	const identifiers = profileIdentifiers(ctx, i);
	if (!Object.keys(identifiers).length) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Set at least one of Profile Email, Profile Phone Number or Profile External ID',
			{ itemIndex: i },
		);
	}
	const properties = parseJsonParameter(ctx, ctx.getNodeParameter('eventProperties', i, '{}'), 'Event Properties', i);
	const extra = compact(ctx.getNodeParameter('eventFields', i, {}) as IDataObject);
	let time: string | undefined;
	if (extra.time !== undefined) {
		const date = new Date(String(extra.time));
		if (Number.isNaN(date.getTime())) {
			throw new NodeOperationError(ctx.getNode(), `Time "${String(extra.time)}" is not a valid date`, { itemIndex: i });
		}
		time = date.toISOString();
	}
	return eventBody({
		metric: metricName,
		properties,
		profile: identifiers,
		time,
		value: typeof extra.value === 'number' ? extra.value : undefined,
		valueCurrency: extra.value_currency === undefined ? undefined : String(extra.value_currency),
		uniqueId: extra.unique_id === undefined ? undefined : String(extra.unique_id),
	}) as IDataObject;
}
