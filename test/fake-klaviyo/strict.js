'use strict';
/**
 * The one strict validator of Klaviyo request bodies, used by the unit tests (every body the
 * mapper and the Klaviyo node produce must pass) and by the fake Klaviyo (which answers 400 to what
 * does not). Strict the way Klaviyo is at run time, not only the way its published schema reads:
 *
 *   1. the OpenAPI schema of the endpoint (openapi.js, Klaviyo's stable.json);
 *   2. unknown attribute names rejected ("'x' is not a valid field for the resource 'event'."):
 *      the published schema does not say additionalProperties: false, Klaviyo does;
 *   3. profile identifier rules: a profile needs one of email, phone_number, external_id or id
 *      (events also accept anonymous_id / _kx); subscription jobs need email or phone_number, and
 *      the one of the channel they change; a deletion job names exactly one of id, email, phone_number;
 *   4. phone numbers: E.164 and a real number (libphonenumber-js, full metadata), not just "+digits";
 *      emails: something@domain.tld;
 *   5. at most 400 properties per `properties` object, every string at most 100 KB (UTF-8);
 *   6. events: non-blank metric name, time after 1990 and at most a year ahead, a finite value;
 *      bulk jobs: ≤ 1 000 events, ≤ 10 000 profiles;
 *   7. the `revision` header: only revisions Klaviyo has published (KNOWN_REVISIONS).
 *
 *   const strict = require('./strict');
 *   strict.validateRequest('POST', '/api/events', body) // → [] or ["pointer: detail", …]
 *   strict.checkRequest('POST', '/api/events', body)    // → [{ pointer, detail, item? }]
 *   strict.revisionError('2026-07-15')                  // → undefined or the reason
 */
const fs = require('node:fs');
const { parsePhoneNumberFromString } = require('libphonenumber-js/max');
const openapi = require('./openapi');

/**
 * Revisions Klaviyo has published (its changelog; a `.pre` suffix marks a beta of the same date).
 * Klaviyo answers 400 to any other value. Add a new revision here when Klaviyo publishes it.
 */
const KNOWN_REVISIONS = [
	'2023-02-22',
	'2023-06-15',
	'2023-07-15',
	'2023-08-15',
	'2023-09-15',
	'2023-10-15',
	'2023-12-15',
	'2024-02-15',
	'2024-05-15',
	'2024-06-15',
	'2024-07-15',
	'2024-10-15',
	'2025-01-15',
	'2025-04-15',
	'2025-07-15',
	'2025-10-15',
	'2026-01-15',
	'2026-04-15',
	'2026-07-15',
	'2026-10-15',
];

const MAX_PROPERTIES = 400;
const MAX_STRING_BYTES = 100 * 1024;
const MAX_BULK_EVENTS = 1000;
const MAX_BULK_PROFILES = 10000;
const MIN_TIME = Date.UTC(1990, 0, 1);
const YEAR_MS = 366 * 24 * 3600 * 1000;
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const E164_RE = /^\+[1-9]\d{1,14}$/;
const PATCH_PROFILE_SCHEMA = 'ProfilePartialUpdateQuery';

/** undefined when Klaviyo accepts this `revision` header, else why not. */
function revisionError(revision) {
	if (revision === undefined || revision === null || revision === '') return 'Missing `revision` header.';
	const m = /^(\d{4}-\d{2}-\d{2})(\.pre)?$/.exec(String(revision).trim());
	if (!m) return `Invalid \`revision\` header ${JSON.stringify(String(revision))} (format: YYYY-MM-DD[.pre]).`;
	if (!KNOWN_REVISIONS.includes(m[1])) return `Unknown \`revision\` ${m[1]}: not a revision Klaviyo has published.`;
	return undefined;
}

/** E.164 ("+" and digits, nothing else) and a number that exists (full libphonenumber metadata). */
function isValidPhone(value) {
	if (typeof value !== 'string' || !E164_RE.test(value)) return false;
	const parsed = parsePhoneNumberFromString(value);
	return !!parsed && parsed.isValid() && parsed.number === value;
}

function isValidEmail(value) {
	return typeof value === 'string' && EMAIL_RE.test(value.trim());
}

const has = (v) => v !== undefined && v !== null && v !== '';
const err = (pointer, detail, extra) => ({ pointer, detail, ...(extra || {}) });
const asObject = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined);

/**
 * Runtime checks of one profile resource object at `ptr` (e.g. "/data" or
 * "/data/attributes/profile/data"): identifier, email, phone, properties.
 */
function checkProfile(data, ptr, { requireIdentifier = true, extraIds = [] } = {}) {
	const errors = [];
	const d = asObject(data) || {};
	const attrs = asObject(d.attributes) || {};
	if (requireIdentifier && !has(d.id) && !['email', 'phone_number', 'external_id', ...extraIds].some((f) => has(attrs[f]))) {
		const names = ['email', 'phone_number', 'external_id', ...extraIds].map((f) => `\`${f}\``).join(', ');
		errors.push(err(`${ptr}/attributes`, `One of ${names}, or \`id\` is required to identify a profile.`));
	}
	if (has(attrs.email) && !isValidEmail(attrs.email)) errors.push(err(`${ptr}/attributes/email`, 'Invalid email address.'));
	if (has(attrs.phone_number) && !isValidPhone(attrs.phone_number))
		errors.push(err(`${ptr}/attributes/phone_number`, 'Invalid phone number format (Example of a valid phone number format: +12345678901)'));
	errors.push(...checkProperties(attrs.properties, `${ptr}/attributes/properties`));
	return errors;
}

function checkProperties(properties, ptr) {
	const p = asObject(properties);
	if (p && Object.keys(p).length > MAX_PROPERTIES)
		return [err(ptr, `A maximum of ${MAX_PROPERTIES} properties is allowed (got ${Object.keys(p).length}).`)];
	return [];
}

/** Runtime checks of one event's attributes at `ptr` (metric, time, value, properties). */
function checkEventAttributes(attrs, ptr) {
	const errors = [];
	const a = asObject(attrs) || {};
	const name = a.metric && a.metric.data && a.metric.data.attributes && a.metric.data.attributes.name;
	if (typeof name === 'string' && name.trim() === '') errors.push(err(`${ptr}/metric/data/attributes/name`, 'This field may not be blank.'));
	if (a.time !== undefined && a.time !== null) {
		const t = Date.parse(a.time);
		if (Number.isNaN(t) || t < MIN_TIME || t > Date.now() + YEAR_MS)
			errors.push(err(`${ptr}/time`, 'Time must be after 1990 and can only be up to 1 year in the future.'));
	}
	if (a.value !== undefined && a.value !== null && !Number.isFinite(a.value)) errors.push(err(`${ptr}/value`, 'A valid number is required.'));
	errors.push(...checkProperties(a.properties, `${ptr}/properties`));
	return errors;
}

/** Every string longer than 100 KB (UTF-8), wherever it is. */
function longStrings(value, ptr = '', out = []) {
	if (typeof value === 'string') {
		if (value.length * 3 > MAX_STRING_BYTES && Buffer.byteLength(value) > MAX_STRING_BYTES)
			out.push(err(ptr || '/', `String values may be at most ${MAX_STRING_BYTES / 1024} KB.`));
	} else if (Array.isArray(value)) value.forEach((v, i) => longStrings(v, `${ptr}/${i}`, out));
	else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) longStrings(v, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
	return out;
}

/** Klaviyo's run-time rules for the body of one schema (the schema itself already passed). */
function runtimeErrors(schemaName, body) {
	const data = asObject(asObject(body) && body.data) || {};
	const attrs = asObject(data.attributes) || {};
	const errors = [];
	switch (schemaName) {
		case 'EventCreateQueryV2': {
			const profile = asObject(attrs.profile) && attrs.profile.data;
			errors.push(...checkProfile(profile, '/data/attributes/profile/data', { extraIds: ['anonymous_id', '_kx'] }));
			errors.push(...checkEventAttributes(attrs, '/data/attributes'));
			break;
		}
		case 'ProfileUpsertQuery':
			errors.push(...checkProfile(data, '/data'));
			break;
		case PATCH_PROFILE_SCHEMA:
			errors.push(...checkProfile(data, '/data', { requireIdentifier: false }));
			break;
		case 'EventsBulkCreateJob': {
			const base = '/data/attributes/events-bulk-create/data';
			const items = (asObject(attrs['events-bulk-create']) && attrs['events-bulk-create'].data) || [];
			let total = 0;
			items.forEach((it, i) => {
				const a = asObject(it && it.attributes) || {};
				errors.push(...checkProfile(a.profile && a.profile.data, `${base}/${i}/attributes/profile/data`, { extraIds: ['anonymous_id', '_kx'] }));
				const events = (asObject(a.events) && a.events.data) || [];
				total += events.length;
				events.forEach((e, j) => errors.push(...checkEventAttributes(e && e.attributes, `${base}/${i}/attributes/events/data/${j}/attributes`)));
			});
			if (total > MAX_BULK_EVENTS) errors.unshift(err(base, `A maximum of ${MAX_BULK_EVENTS} events may be created per request.`));
			break;
		}
		case 'ProfileImportJobCreateQuery': {
			const list = (asObject(attrs.profiles) && attrs.profiles.data) || [];
			if (list.length > MAX_BULK_PROFILES)
				errors.push(err('/data/attributes/profiles/data', `A maximum of ${MAX_BULK_PROFILES} profiles may be imported per job.`));
			// per-profile problems fail that profile only (an import error of the job), not the request
			list.forEach((p, i) => errors.push(...checkProfile(p, `/data/attributes/profiles/data/${i}`).map((e) => ({ ...e, item: i }))));
			break;
		}
		case 'SubscriptionCreateJobCreateQuery':
		case 'SubscriptionDeleteJobCreateQuery': {
			const list = (asObject(attrs.profiles) && attrs.profiles.data) || [];
			list.forEach((p, i) => {
				const ptr = `/data/attributes/profiles/data/${i}`;
				const a = asObject(p && p.attributes) || {};
				errors.push(...checkProfile(p, ptr, { requireIdentifier: false }));
				if (!has(a.email) && !has(a.phone_number) && !has(p && p.id)) {
					errors.push(err(`${ptr}/attributes`, 'One of `email` or `phone_number` is required.'));
					return;
				}
				const subs = asObject(a.subscriptions) || {};
				if (subs.email !== undefined && !has(a.email)) errors.push(err(`${ptr}/attributes/email`, 'An email subscription needs the profile\'s `email`.'));
				if (subs.sms !== undefined && !has(a.phone_number)) errors.push(err(`${ptr}/attributes/phone_number`, 'An SMS subscription needs the profile\'s `phone_number`.'));
			});
			break;
		}
		case 'DataPrivacyCreateDeletionJobQuery': {
			const profile = asObject(asObject(attrs.profile) && attrs.profile.data) || {};
			const pa = asObject(profile.attributes) || {};
			const ids = ['id', 'email', 'phone_number'].filter((f) => has(f === 'id' ? profile.id : pa[f]));
			if (ids.length !== 1)
				errors.push(err('/data/attributes/profile/data', 'Exactly one of `id`, `email`, or `phone_number` must be provided to identify the profile to delete.'));
			errors.push(...checkProfile(profile, '/data/attributes/profile/data', { requireIdentifier: false }));
			break;
		}
		default:
			break;
	}
	errors.push(...longStrings(body));
	return errors;
}

// ---------------------------------------------------------------------------------------------
// Schema: openapi.js first; if its compiler chokes on a schema (OpenAPI `nullable` next to a
// `$ref`), a locally normalised copy of the same spec. Compiled once.
// ---------------------------------------------------------------------------------------------
let fallback;
const useFallback = new Set();

function normaliseNullable(node) {
	if (Array.isArray(node)) {
		node.forEach(normaliseNullable);
		return node;
	}
	if (!node || typeof node !== 'object') return node;
	for (const v of Object.values(node)) normaliseNullable(v);
	if (node.nullable === true && node.type === undefined) {
		delete node.nullable;
		if (node.$ref) {
			node.anyOf = [{ $ref: node.$ref }, { type: 'null' }];
			delete node.$ref;
		} else if (Array.isArray(node.oneOf)) node.oneOf.push({ type: 'null' });
		else if (Array.isArray(node.anyOf)) node.anyOf.push({ type: 'null' });
	}
	return node;
}

function fallbackValidate(schemaName, body) {
	if (!fallback) {
		const Ajv = require('ajv');
		const addFormats = require('ajv-formats');
		const spec = JSON.parse(fs.readFileSync(openapi.specPath(), 'utf8'));
		const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
		addFormats(ajv);
		ajv.addSchema({ $id: 'klaviyo', components: normaliseNullable(spec.components) }, 'klaviyo');
		fallback = { ajv, validators: new Map() };
	}
	let v = fallback.validators.get(schemaName);
	if (!v) {
		v = fallback.ajv.getSchema(`klaviyo#/components/schemas/${schemaName}`);
		fallback.validators.set(schemaName, v);
	}
	if (v(body)) return [];
	return (v.errors || []).map((e) => `${e.instancePath || '/'}: ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
}

function schemaMessages(schemaName, body) {
	if (!useFallback.has(schemaName)) {
		try {
			return openapi.validate(schemaName, body);
		} catch (e) {
			if (/unknown Klaviyo schema|spec not found/.test(String(e && e.message))) throw e;
			useFallback.add(schemaName);
		}
	}
	return fallbackValidate(schemaName, body);
}

/** ajv "pointer: message" strings → { pointer, detail } (a missing property's pointer names it). */
function toPointerErrors(messages) {
	const seen = new Set();
	const out = [];
	for (const m of messages) {
		const i = m.indexOf(': ');
		let pointer = i >= 0 ? m.slice(0, i) : '/';
		let detail = i >= 0 ? m.slice(i + 2) : m;
		const req = /must have required property '([^']+)'/.exec(detail);
		if (req) {
			pointer = `${pointer === '/' ? '' : pointer}/${req[1]}`;
			detail = 'This field is required.';
		}
		if (pointer === '') pointer = '/';
		const k = `${pointer}|${detail}`;
		if (seen.has(k)) continue;
		seen.add(k);
		out.push(err(pointer, detail));
	}
	return out;
}

// Unknown attribute names, walking the schema beside the body.
let specSchemasCache;
function specSchemas() {
	if (!specSchemasCache) specSchemasCache = JSON.parse(fs.readFileSync(openapi.specPath(), 'utf8')).components.schemas;
	return specSchemasCache;
}
function deref(schema) {
	let s = schema;
	for (let i = 0; s && s.$ref && i < 10; i++) s = specSchemas()[s.$ref.split('/').pop()];
	return s;
}
function unknownFields(schemaName, body) {
	const errors = [];
	const walk = (schema, value, pointer, resourceType, underAttributes) => {
		const s = deref(schema);
		if (!s || value === null || typeof value !== 'object') return;
		if (Array.isArray(value)) {
			if (s.items) value.forEach((v, i) => walk(s.items, v, `${pointer}/${i}`, resourceType, underAttributes));
			return;
		}
		if (!s.properties || s.oneOf || s.anyOf || s.allOf || s.additionalProperties) return;
		const type = typeof value.type === 'string' ? value.type : resourceType;
		for (const [k, v] of Object.entries(value)) {
			const sub = s.properties[k];
			if (!sub) {
				if (underAttributes) errors.push(err(`${pointer}/${k}`, `'${k}' is not a valid field for the resource '${type}'.`));
				continue;
			}
			walk(sub, v, `${pointer}/${k}`, type, underAttributes || k === 'attributes');
		}
	};
	walk({ $ref: `#/components/schemas/${schemaName}` }, body, '', undefined, false);
	return errors;
}

/** The request schema of "METHOD /path-template" (undefined: the endpoint takes no body). */
function schemaOf(method, tpl) {
	const m = String(method).toUpperCase();
	const path = String(tpl).replace(/\/+$/, '');
	if (m === 'PATCH' && /^\/api\/profiles\/[^/]+$/.test(path)) return PATCH_PROFILE_SCHEMA;
	return openapi.SCHEMA_BY_ENDPOINT[`${m} ${path}`];
}

/**
 * Every problem Klaviyo would report for this body, as { pointer, detail } (+ `item` for a
 * profile of a bulk import, which fails only that profile). Like Klaviyo, stops at the first
 * layer that fails: schema, then unknown fields, then the run-time rules.
 */
function checkBody(schemaName, body, { unknownAttributes = true } = {}) {
	const schema = toPointerErrors(schemaMessages(schemaName, body));
	if (schema.length) return schema;
	if (unknownAttributes) {
		const extra = unknownFields(schemaName, body);
		if (extra.length) return extra;
	}
	return runtimeErrors(schemaName, body);
}

function checkRequest(method, tpl, body, options) {
	const schemaName = schemaOf(method, tpl);
	return schemaName ? checkBody(schemaName, body, options) : [];
}

const asStrings = (errors) => errors.map((e) => `${e.pointer}: ${e.detail}`);

/** "pointer: detail" strings, empty when Klaviyo would accept the body. */
function validate(schemaName, body) {
	return asStrings(checkBody(schemaName, body));
}

/** validate() for "METHOD /path" (endpoints without a body schema → []). */
function validateRequest(method, path, body) {
	return asStrings(checkRequest(method, path, body));
}

/** Compile the schema validators up front (the fake calls this before listening). */
function warm() {
	for (const name of [...new Set(Object.values(openapi.SCHEMA_BY_ENDPOINT)), PATCH_PROFILE_SCHEMA]) checkBody(name, {});
}

module.exports = {
	KNOWN_REVISIONS,
	MAX_PROPERTIES,
	MAX_STRING_BYTES,
	MAX_BULK_EVENTS,
	MAX_BULK_PROFILES,
	revisionError,
	isValidPhone,
	isValidEmail,
	checkProfile,
	checkBody,
	checkRequest,
	schemaOf,
	validate,
	validateRequest,
	warm,
	rateLimitOf: openapi.rateLimitOf,
	specPath: openapi.specPath,
	SCHEMA_BY_ENDPOINT: openapi.SCHEMA_BY_ENDPOINT,
};
