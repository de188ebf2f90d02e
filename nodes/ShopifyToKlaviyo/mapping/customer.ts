/**
 * customers/create and customers/update → one profile upsert (POST /api/profile-import).
 *
 * Blueprint: email, phone_number, first_name, last_name, location, and the properties
 * "Shopify ID", "Verified Email", "Customer State", "Address1", "City", "Region", "Zip",
 * "Country". Unlike the blueprint's sample, a field Shopify does not supply is OMITTED rather
 * than sent as null: Klaviyo clears a profile field that is sent as null.
 *
 * Works with payloads before and after API 2025-01 (2025-01 removed orders_count,
 * total_spent, tags, email_marketing_consent… from customer webhooks). Marketing consent is
 * NOT taken from customer payloads: it comes from the dedicated consent topics (consent.ts).
 */
import { profileImportBody } from '../../shared/klaviyoBodies';
import type { MappingResult, MapContext } from './context';
import { customerAddress, firstValidPhone, normalizeEmail } from './identity';
import { compact, MappingError, rec, str, tagList, type Json } from './util';

export function mapCustomer(payload: Json, ctx: MapContext): MappingResult {
	const customerId = str(payload.id);
	if (!customerId) throw new MappingError(ctx.topic, 'id', 'is missing');

	const address = customerAddress(payload);
	const addressCountry = str(address?.country_code);
	const email = normalizeEmail(payload.email);
	if (payload.email !== undefined && payload.email !== null && payload.email !== '' && !email) {
		ctx.notes.push('email is not a valid email address; dropped');
	}
	const phone = firstValidPhone([{ field: 'phone', value: payload.phone, countryCode: addressCountry }], ctx.notes);

	const properties: Json = {
		'Shopify ID': customerId,
		'Verified Email': typeof payload.verified_email === 'boolean' ? payload.verified_email : undefined,
		'Customer State': str(payload.state),
		Tags: tagList(payload.tags),
	};
	let location: Json | undefined;
	if (ctx.options.includeLocation && address) {
		const a = rec(address);
		// Region: the 2-letter province code when Shopify has one ("CA"), else the province name.
		const region = str(a.province_code) ?? str(a.province);
		const country = str(a.country) ?? str(a.country_name);
		location = compact({
			address1: str(a.address1),
			address2: str(a.address2),
			city: str(a.city),
			region,
			zip: str(a.zip),
			country,
		});
		Object.assign(properties, {
			Address1: str(a.address1),
			City: str(a.city),
			Region: region,
			Zip: str(a.zip),
			Country: country,
		});
		if (Object.keys(location).length === 0) location = undefined;
	}

	const attributes = compact({
		email,
		phone_number: phone,
		// Identifier of last resort only (see identity.ts for why).
		external_id: email || phone ? undefined : customerId,
		first_name: str(payload.first_name),
		last_name: str(payload.last_name),
		location,
		properties: compact({ ...properties, ...ctx.options.extraProfileProperties }),
	});
	const body = profileImportBody(attributes);
	return ctx.done([ctx.request('profile.upsert', body, `Upsert profile for Shopify customer ${customerId}`)]);
}
