/**
 * The shape of one Klaviyo event (POST /api/events, schema EventCreateQueryV2).
 */
import type { MapContext } from './context';
import type { EventIdentity } from './identity';
import { compact, type Json } from './util';

export interface EventInput {
	metric: string;
	properties: Json;
	/** UTC, no milliseconds; omitted → Klaviyo uses the time it received the event */
	time?: string;
	value?: number;
	currency?: string;
	uniqueId: string;
	identity: EventIdentity;
}

export function eventBody(ctx: MapContext, input: EventInput): Json {
	const profileAttributes: Json = { ...input.identity.attributes };
	if (Object.keys(ctx.options.extraProfileProperties).length > 0) {
		profileAttributes.properties = compact({ ...ctx.options.extraProfileProperties });
	}
	return {
		data: {
			type: 'event',
			attributes: compact({
				// The merchant's extra properties are added last: they may override ours on purpose.
				properties: compact({ ...input.properties, ...ctx.options.extraEventProperties }),
				time: input.time,
				value: input.value,
				value_currency: input.value === undefined ? undefined : input.currency,
				unique_id: input.uniqueId,
				metric: { data: { type: 'metric', attributes: { name: input.metric } } },
				profile: { data: { type: 'profile', attributes: profileAttributes } },
			}),
		},
	};
}
