'use strict';
/**
 * Validates request bodies against Klaviyo's official OpenAPI description
 * (../shared/klaviyo-openapi/stable.json, or KLAVIYO_OPENAPI_SPEC). Used by unit tests
 * (every body we send must validate) and by the fake Klaviyo (which rejects what the real one would).
 *
 *   const { validate } = require('./openapi');
 *   validate('EventCreateQueryV2', body) // → [] or a list of "pointer: message" strings
 */
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const SPEC_CANDIDATES = [
	process.env.KLAVIYO_OPENAPI_SPEC,
	path.resolve(__dirname, '..', '..', '..', 'shared', 'klaviyo-openapi', 'stable.json'),
	path.resolve(__dirname, '..', '..', 'shared', 'klaviyo-openapi', 'stable.json'),
	path.resolve(__dirname, 'klaviyo-openapi', 'stable.json'),
].filter(Boolean);

/** Schema of the request body of each endpoint we call. */
const SCHEMA_BY_ENDPOINT = {
	'POST /api/events': 'EventCreateQueryV2',
	'POST /api/profile-import': 'ProfileUpsertQuery',
	'POST /api/event-bulk-create-jobs': 'EventsBulkCreateJob',
	'POST /api/profile-bulk-import-jobs': 'ProfileImportJobCreateQuery',
	'POST /api/profile-subscription-bulk-create-jobs': 'SubscriptionCreateJobCreateQuery',
	'POST /api/profile-subscription-bulk-delete-jobs': 'SubscriptionDeleteJobCreateQuery',
	'POST /api/data-privacy-deletion-jobs': 'DataPrivacyCreateDeletionJobQuery',
};

let cache;

function specPath() {
	const found = SPEC_CANDIDATES.find((p) => fs.existsSync(p));
	if (!found) {
		throw new Error(`Klaviyo OpenAPI spec not found; looked in: ${SPEC_CANDIDATES.join(', ')} (set KLAVIYO_OPENAPI_SPEC)`);
	}
	return found;
}

/**
 * OpenAPI 3.0 allows `nullable: true` beside `$ref` / `oneOf` / `anyOf` (Klaviyo's spec does this);
 * ajv only understands `nullable` next to `type`. Rewrite those into JSON Schema: `anyOf: [x, {type:'null'}]`.
 */
function normalizeNullable(node) {
	if (Array.isArray(node)) return node.map(normalizeNullable);
	if (!node || typeof node !== 'object') return node;
	const out = {};
	for (const [k, v] of Object.entries(node)) out[k] = normalizeNullable(v);
	if (out.nullable === true && out.type === undefined) {
		delete out.nullable;
		if (out.$ref) {
			const { $ref, ...rest } = out;
			return { ...rest, anyOf: [{ $ref }, { type: 'null' }] };
		}
		for (const key of ['oneOf', 'anyOf']) {
			if (Array.isArray(out[key])) {
				out[key] = [...out[key], { type: 'null' }];
				return out;
			}
		}
		if (Array.isArray(out.allOf)) {
			const { allOf, ...rest } = out;
			return { ...rest, anyOf: [{ allOf }, { type: 'null' }] };
		}
	}
	return out;
}

function load() {
	if (cache) return cache;
	const spec = JSON.parse(fs.readFileSync(specPath(), 'utf8'));
	spec.components = normalizeNullable(spec.components);
	const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
	addFormats(ajv);
	// OpenAPI 3.0 `nullable` is understood by ajv; `example`/`x-*` are ignored with strict: false.
	ajv.addSchema({ $id: 'klaviyo', components: spec.components }, 'klaviyo');
	const rateLimits = {};
	for (const [p, methods] of Object.entries(spec.paths)) {
		for (const [m, op] of Object.entries(methods)) {
			if (op && op['x-klaviyo-ratelimit']) rateLimits[`${m.toUpperCase()} ${p}`] = op['x-klaviyo-ratelimit'];
		}
	}
	cache = { ajv, spec, validators: new Map(), rateLimits };
	return cache;
}

function validatorFor(schemaName) {
	const c = load();
	if (!c.validators.has(schemaName)) {
		if (!c.spec.components.schemas[schemaName]) throw new Error(`unknown Klaviyo schema ${schemaName}`);
		c.validators.set(schemaName, c.ajv.getSchema(`klaviyo#/components/schemas/${schemaName}`));
	}
	return c.validators.get(schemaName);
}

/** @returns {string[]} errors, empty when valid */
function validate(schemaName, body) {
	const v = validatorFor(schemaName);
	if (v(body)) return [];
	return (v.errors || []).map((e) => `${e.instancePath || '/'}: ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
}

/** Validate the body for "METHOD /path"; endpoints without a body schema return []. */
function validateRequest(method, urlPath, body) {
	const schema = SCHEMA_BY_ENDPOINT[`${method.toUpperCase()} ${urlPath.replace(/\/+$/, '')}`];
	return schema ? validate(schema, body) : [];
}

/** x-klaviyo-ratelimit of "METHOD /path" as { burst: '350/s', steady: '3500/m' } or undefined. */
function rateLimitOf(method, urlPath) {
	const c = load();
	return c.rateLimits[`${method.toUpperCase()} ${urlPath}`] || c.rateLimits[`${method.toUpperCase()} ${urlPath}/`];
}

module.exports = { validate, validateRequest, rateLimitOf, SCHEMA_BY_ENDPOINT, specPath };
