/**
 * One Klaviyo event (POST /api/events) with the merchant's extra properties; the body itself is
 * built by nodes/shared/klaviyoBodies.ts.
 */
import { eventBody as klaviyoEventBody } from '../../shared/klaviyoBodies';
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
	return klaviyoEventBody({
		metric: input.metric,
		// The merchant's extra properties are added last: they may override ours on purpose.
		properties: compact({ ...input.properties, ...ctx.options.extraEventProperties }),
		profile: profileAttributes,
		time: input.time,
		value: input.value,
		valueCurrency: input.value === undefined ? undefined : input.currency,
		uniqueId: input.uniqueId,
	});
}
