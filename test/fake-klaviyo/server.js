'use strict';
/**
 * A faithful, fast, in-memory fake of the parts of Klaviyo's REST API this package uses.
 *
 *   const { createFakeKlaviyo } = require('./server');
 *   const fake = createFakeKlaviyo({ rateLimitScale: 0.1 });
 *   const { url } = await fake.start(0);    // http://127.0.0.1:PORT
 *   ...
 *   fake.state                              // snapshot, same as GET /__admin/state
 *   await fake.stop();
 *
 * See README.md next to this file for the full behaviour (status codes, pointers, rate limits,
 * fault injection, admin endpoints). Never logs API keys or profile PII.
 */
const http = require('node:http');
const fs = require('node:fs');
const crypto = require('node:crypto');
const openapi = require('./openapi');
const strict = require('./strict');

const KEY_RE = /^Klaviyo-API-Key\s+(pk_[A-Za-z0-9_]+)\s*$/;
const MAX_BODY = 5 * 1024 * 1024; // Klaviyo: payloads must not exceed 5 MB
const { MAX_BULK_EVENTS, MAX_BULK_PROFILES } = strict;
const JSONAPI = 'application/vnd.api+json';

// ---------------------------------------------------------------------------------------------
// Body validation: the one strict validator (strict.js) the unit tests use too: Klaviyo's OpenAPI
// schema, unknown attributes, identifier rules, real E.164 phones, ≤ 400 properties, strings ≤ 100 KB.
// ---------------------------------------------------------------------------------------------
// Query parameters of GET endpoints, from the spec: the declared ones, enums of sparse fieldsets and
// the filter fields/operators (x-klaviyo-filters).
let specDoc;
function specOperation(method, tpl) {
	if (!specDoc) specDoc = JSON.parse(fs.readFileSync(openapi.specPath(), 'utf8'));
	const item = specDoc.paths[tpl] || specDoc.paths[`${tpl}/`];
	return item && item[method.toLowerCase()];
}

/**
 * Klaviyo's filter syntax, strictly: `equals(field,"value")` or `any(field,["a","b"])` with no
 * spaces, string values in double quotes (no escapes), a field the endpoint filters on and an
 * operator the spec allows for it. Compound filters (and/or/not) and non-string fields are not
 * implemented by the fake and answered 400 as such. Returns a predicate over profile attributes
 * (plus id), or throws HttpError 400 with source.parameter "filter".
 */
const FILTER_OPERATORS = ['equals', 'any', 'has', 'contains', 'contains-any', 'contains-all', 'starts-with', 'ends-with', 'greater-than', 'less-than', 'greater-or-equal', 'less-or-equal', 'and', 'or', 'not'];
const QUOTED = '"[^"\\\\]*"';
function parseFilter(text, filters) {
	const bad = (detail) => new HttpError(400, [errorObj(400, 'invalid', 'Invalid input.', detail, { parameter: 'filter' })]);
	const call = /^([a-z-]+)\((.*)\)$/.exec(text);
	if (!call) return { error: bad(`Invalid filter provided: ${JSON.stringify(text)} is not of the form operator(field,value).`) };
	const [, op, inner] = call;
	if (!FILTER_OPERATORS.includes(op)) return { error: bad(`Invalid filter provided: '${op}' is not a valid filter operator.`) };
	if (op === 'and' || op === 'or' || op === 'not') return { error: bad(`Invalid filter provided: compound filters ('${op}') are not supported by the fake Klaviyo.`) };
	const parts = /^([A-Za-z_][A-Za-z0-9_.]*),(.*)$/.exec(inner);
	if (!parts) return { error: bad(`Invalid filter provided: ${JSON.stringify(text)} is not of the form ${op}(field,value).`) };
	const [, field, valueText] = parts;
	const spec = filters[field];
	if (!spec) return { error: bad(`Invalid filter provided: '${field}' is not a valid filter field for the resource 'profile'.`) };
	const allowed = [...((spec.operators && spec.operators.single) || []), ...((spec.operators && spec.operators.list) || [])];
	if (!allowed.includes(op)) return { error: bad(`Invalid filter provided: operator '${op}' is not allowed for field '${field}' (allowed: ${[...new Set(allowed)].join(', ')}).`) };
	if (!spec.value || spec.value.type !== 'string' || spec.value.format) return { error: bad(`Invalid filter provided: filtering on '${field}' is not supported by the fake Klaviyo.`) };
	let values;
	if (op === 'equals') {
		if (!new RegExp(`^${QUOTED}$`).test(valueText)) {
			return { error: bad(/^"/.test(valueText) ? `Invalid filter provided: ${JSON.stringify(valueText)} is not a valid string value.` : `Invalid filter provided: the value for '${field}' must be a double-quoted string.`) };
		}
		values = [valueText.slice(1, -1)];
	} else if (op === 'any') {
		if (!new RegExp(`^\\[${QUOTED}(,${QUOTED})*\\]$`).test(valueText)) return { error: bad(`Invalid filter provided: the value for any(${field},…) must be a list of double-quoted strings, e.g. ["a","b"].`) };
		values = valueText.slice(1, -1).split(',').map((v) => v.slice(1, -1));
	} else {
		return { error: bad(`Invalid filter provided: operator '${op}' is not supported by the fake Klaviyo.`) };
	}
	return { field, values };
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------
const ROUTES = [
	{ method: 'GET', tpl: '/api/accounts', re: /^\/api\/accounts\/?$/, h: 'getAccounts' },
	{ method: 'POST', tpl: '/api/events', re: /^\/api\/events\/?$/, h: 'postEvent' },
	{ method: 'POST', tpl: '/api/profile-import', re: /^\/api\/profile-import\/?$/, h: 'postProfileImport' },
	{ method: 'POST', tpl: '/api/event-bulk-create-jobs', re: /^\/api\/event-bulk-create-jobs\/?$/, h: 'postEventBulk' },
	{ method: 'POST', tpl: '/api/profile-bulk-import-jobs', re: /^\/api\/profile-bulk-import-jobs\/?$/, h: 'postProfileBulk' },
	{ method: 'GET', tpl: '/api/profile-bulk-import-jobs/{job_id}', re: /^\/api\/profile-bulk-import-jobs\/([^/]+)\/?$/, h: 'getProfileBulk' },
	{
		method: 'GET',
		tpl: '/api/profile-bulk-import-jobs/{id}/import-errors',
		re: /^\/api\/profile-bulk-import-jobs\/([^/]+)\/import-errors\/?$/,
		h: 'getProfileBulkErrors',
	},
	{ method: 'POST', tpl: '/api/profile-subscription-bulk-create-jobs', re: /^\/api\/profile-subscription-bulk-create-jobs\/?$/, h: 'postSubscribe' },
	{ method: 'POST', tpl: '/api/profile-subscription-bulk-delete-jobs', re: /^\/api\/profile-subscription-bulk-delete-jobs\/?$/, h: 'postUnsubscribe' },
	{ method: 'POST', tpl: '/api/data-privacy-deletion-jobs', re: /^\/api\/data-privacy-deletion-jobs\/?$/, h: 'postDeletion' },
	{ method: 'GET', tpl: '/api/profiles', re: /^\/api\/profiles\/?$/, h: 'getProfiles' },
	{ method: 'PATCH', tpl: '/api/profiles/{id}', re: /^\/api\/profiles\/([^/]+)\/?$/, h: 'patchProfile' },
];

/** Compile every validator and load rate limits up front so the first requests are not slow. */
let warmed = false;
function warm() {
	if (warmed) return;
	strict.warm();
	for (const r of ROUTES) openapi.rateLimitOf(r.method, r.tpl);
	warmed = true;
}

function matchRoute(method, pathname) {
	let pathMatched = false;
	for (const r of ROUTES) {
		const m = r.re.exec(pathname);
		if (!m) continue;
		pathMatched = true;
		if (r.method === method) return { route: r, params: m.slice(1).map(decodeURIComponent) };
	}
	return { route: null, pathMatched };
}

// ---------------------------------------------------------------------------------------------
// Rate limiting: exact sliding-window logs (ring buffers), amortised O(1) per request.
// "burst 350/s, steady 3500/m" = at most 350 accepted in any 1 s window AND 3500 in any 60 s.
// ---------------------------------------------------------------------------------------------
function parseRate(s) {
	const m = /^(\d+)\s*\/\s*([sm])$/.exec(String(s || ''));
	if (!m) return null;
	return { n: Number(m[1]), windowMs: m[2] === 's' ? 1000 : 60000 };
}

class Window {
	constructor(limit, windowMs) {
		this.limit = limit;
		this.windowMs = windowMs;
		this.ts = new Float64Array(limit);
		this.head = 0;
		this.size = 0;
	}
	expire(now) {
		while (this.size > 0 && this.ts[this.head] <= now - this.windowMs) {
			this.head = (this.head + 1) % this.limit;
			this.size--;
		}
	}
	/** ms until a slot frees (0 if one is free) */
	waitMs(now) {
		return this.size < this.limit ? 0 : this.ts[this.head] + this.windowMs - now;
	}
	push(now) {
		this.ts[(this.head + this.size) % this.limit] = now;
		this.size++;
	}
	resetSeconds(now) {
		return this.size === 0 ? 0 : Math.max(0, Math.ceil((this.ts[this.head] + this.windowMs - now) / 1000));
	}
}

class Limiter {
	constructor(spec, scale) {
		const b = parseRate(spec.burst);
		const s = parseRate(spec.steady);
		this.windows = [b, s].filter(Boolean).map((r) => new Window(Math.max(1, Math.floor(r.n * scale)), r.windowMs));
	}
	take(now) {
		let wait = 0;
		for (const w of this.windows) {
			w.expire(now);
			wait = Math.max(wait, w.waitMs(now));
		}
		if (wait <= 0) for (const w of this.windows) w.push(now);
		return { ok: wait <= 0, waitMs: wait, headers: this.headers(now) };
	}
	headers(now) {
		let tightest = this.windows[0];
		let remaining = Infinity;
		for (const w of this.windows) {
			const r = w.limit - w.size;
			if (r < remaining) {
				remaining = r;
				tightest = w;
			}
		}
		return {
			'RateLimit-Limit': `${tightest.limit}, ${this.windows.map((w) => `${w.limit};w=${w.windowMs / 1000}`).join(', ')}`,
			'RateLimit-Remaining': String(Math.max(0, remaining)),
			'RateLimit-Reset': String(tightest.resetSeconds(now)),
		};
	}
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function klaviyoId() {
	// ULID-shaped (26 chars, Crockford base32) like Klaviyo's profile ids.
	let t = Date.now();
	let s = '';
	for (let i = 0; i < 10; i++) {
		s = B32[t % 32] + s;
		t = Math.floor(t / 32);
	}
	const r = crypto.randomBytes(16);
	for (let i = 0; i < 16; i++) s += B32[r[i] & 31];
	return s;
}
function shortId(n = 6) {
	const r = crypto.randomBytes(n);
	let s = '';
	for (let i = 0; i < n; i++) s += B32[r[i] & 31];
	return s;
}

function errorObj(status, code, title, detail, source) {
	const e = { id: crypto.randomUUID(), status, code, title, detail };
	if (source) e.source = source;
	e.links = {};
	e.meta = {};
	return e;
}

const PROFILE_FIELDS = ['email', 'phone_number', 'external_id', 'anonymous_id', 'first_name', 'last_name', 'organization', 'locale', 'title', 'image'];
const IDENTIFIERS = ['email', 'phone_number', 'external_id'];

function nowIso() {
	return new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

class HttpError extends Error {
	constructor(status, errors, headers) {
		super(`HTTP ${status}`);
		this.status = status;
		this.errors = errors;
		this.headers = headers;
	}
}
function invalid(pointer, detail) {
	return errorObj(400, 'invalid', 'Invalid input.', detail, { pointer });
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------
function createFakeKlaviyo(options = {}) {
	const opts = {
		acceptKey: options.acceptKey,
		rateLimits: options.rateLimits !== false,
		rateLimitScale: options.rateLimitScale > 0 ? options.rateLimitScale : 1,
		strictFields: options.strictFields !== false,
		latencyMs: options.latencyMs || 0,
		host: options.host || '127.0.0.1',
		log: typeof options.log === 'function' ? options.log : null,
		account: options.account || {},
		requestLogLimit: options.requestLogLimit > 0 ? Math.floor(options.requestLogLimit) : 100000,
	};
	let faults = [];
	let st;
	let limiters;
	let server;
	const hung = new Set();

	function freshState() {
		return {
			events: [],
			profiles: new Map(), // id → profile
			byEmail: new Map(),
			byPhone: new Map(),
			byExternalId: new Map(),
			byAnonymousId: new Map(),
			jobs: [],
			jobsById: new Map(),
			dedup: new Set(),
			requests: {},
			duplicatesDropped: 0,
			rejected: [],
			eventSeq: 0,
			// one entry per API request, in arrival order (see README: request log)
			log: [],
			logSeq: 0,
		};
	}
	function reset() {
		st = freshState();
		limiters = new Map();
	}
	reset();

	function setFaults(rules) {
		const list = rules == null ? [] : Array.isArray(rules) ? rules : [rules];
		const installedAt = Date.now();
		faults = list.map((r, i) => {
			const rule = { ...r, id: r.id || `fault-${i + 1}`, matched: 0, hits: 0 };
			// time-windowed rule: the window opens at the first matching request, or now ('install')
			if (rule.windowSeconds !== undefined) rule.windowOpenedAt = rule.windowFrom === 'install' ? installedAt : null;
			return rule;
		});
		return faults;
	}
	setFaults(options.faults);

	function setRateLimits({ enabled, scale } = {}) {
		if (enabled !== undefined) opts.rateLimits = !!enabled;
		if (scale > 0) opts.rateLimitScale = scale;
		limiters = new Map();
	}

	function limiterFor(route) {
		let l = limiters.get(route);
		if (l === undefined) {
			const spec = openapi.rateLimitOf(route.method, route.tpl);
			l = spec ? new Limiter(spec, opts.rateLimitScale) : null;
			limiters.set(route, l);
		}
		return l;
	}

	// ---------------- profiles ----------------
	const indexOf = (field) =>
		field === 'email' ? st.byEmail : field === 'phone_number' ? st.byPhone : field === 'external_id' ? st.byExternalId : field === 'anonymous_id' ? st.byAnonymousId : null;
	const normId = (field, v) => (field === 'email' ? String(v).trim().toLowerCase() : String(v));

	function lookup(field, v) {
		if (v === undefined || v === null || v === '') return undefined;
		const id = indexOf(field).get(normId(field, v));
		return id ? st.profiles.get(id) : undefined;
	}

	function setIdentifier(p, field, v) {
		const idx = indexOf(field);
		const old = p.attributes[field];
		if (old !== undefined && old !== null && old !== '') idx.delete(normId(field, old));
		p.attributes[field] = v === undefined ? null : v;
		if (v !== undefined && v !== null && v !== '') idx.set(normId(field, v), p.id);
	}

	function newProfile() {
		const t = nowIso();
		const p = {
			type: 'profile',
			id: klaviyoId(),
			attributes: {
				email: null,
				phone_number: null,
				external_id: null,
				anonymous_id: null,
				first_name: null,
				last_name: null,
				organization: null,
				locale: null,
				title: null,
				image: null,
				created: t,
				updated: t,
				last_event_date: null,
				location: {},
				properties: {},
				subscriptions: {},
			},
		};
		st.profiles.set(p.id, p);
		return p;
	}

	function applyAttributes(p, attrs) {
		for (const f of PROFILE_FIELDS) {
			if (attrs[f] === undefined) continue;
			if (f === 'email' || f === 'phone_number' || f === 'external_id' || f === 'anonymous_id') setIdentifier(p, f, attrs[f]);
			else p.attributes[f] = attrs[f];
		}
		if (attrs.location && typeof attrs.location === 'object') Object.assign(p.attributes.location, attrs.location);
		if (attrs.properties && typeof attrs.properties === 'object') Object.assign(p.attributes.properties, attrs.properties);
		p.attributes.updated = nowIso();
	}

	function deleteProfile(p) {
		for (const f of ['email', 'phone_number', 'external_id', 'anonymous_id']) setIdentifier(p, f, null);
		st.profiles.delete(p.id);
	}

	function publicProfile(p, base) {
		const a = p.attributes;
		return {
			type: 'profile',
			id: p.id,
			attributes: {
				email: a.email,
				phone_number: a.phone_number,
				external_id: a.external_id,
				anonymous_id: a.anonymous_id,
				first_name: a.first_name,
				last_name: a.last_name,
				organization: a.organization,
				locale: a.locale,
				title: a.title,
				image: a.image,
				created: a.created,
				updated: a.updated,
				last_event_date: a.last_event_date,
				location: a.location,
				properties: a.properties,
			},
			relationships: {
				lists: { links: { self: `${base}/api/profiles/${p.id}/relationships/lists/`, related: `${base}/api/profiles/${p.id}/lists/` } },
				segments: { links: { self: `${base}/api/profiles/${p.id}/relationships/segments/`, related: `${base}/api/profiles/${p.id}/segments/` } },
			},
			links: { self: `${base}/api/profiles/${p.id}/` },
		};
	}

	/** Klaviyo's run-time checks of one profile (strict.js); returns JSON:API errors. */
	function checkProfileAttrs(data, ptr, options) {
		return strict.checkProfile(data, ptr, options).map((e) => invalid(e.pointer, e.detail));
	}

	/** Upsert semantics of POST /api/profile-import. Throws HttpError (404/409). */
	function upsertProfile(data) {
		const attrs = data.attributes || {};
		let target;
		if (data.id) {
			target = st.profiles.get(data.id);
			if (!target) throw new HttpError(404, [errorObj(404, 'not_found', 'Not found.', `A profile with id ${data.id} does not exist.`, { pointer: '/data/id' })]);
		}
		const matched = [];
		for (const f of IDENTIFIERS) {
			const p = lookup(f, attrs[f]);
			if (p && !matched.includes(p)) matched.push(p);
		}
		if (!target) target = matched[0];
		const conflict = matched.find((p) => p !== target);
		if (conflict) {
			const e = errorObj(409, 'duplicate_profile', 'Conflict.', 'A profile already exists with one of these identifiers.', { pointer: '/data/attributes' });
			e.meta = { duplicate_profile_id: conflict.id };
			throw new HttpError(409, [e]);
		}
		const created = !target;
		if (created) target = newProfile();
		applyAttributes(target, attrs);
		return { profile: target, created };
	}

	/** Event-side identity resolution: never 409, match by id > email > phone > external_id > anonymous_id, else create. */
	function resolveEventProfile(data) {
		const attrs = data.attributes || {};
		let p = data.id ? st.profiles.get(data.id) : undefined;
		if (!p) for (const f of ['email', 'phone_number', 'external_id', 'anonymous_id']) if ((p = lookup(f, attrs[f]))) break;
		if (!p) p = newProfile();
		// Fill in / update attributes but never steal an identifier owned by another profile.
		const safe = {};
		for (const [k, v] of Object.entries(attrs)) {
			if (['email', 'phone_number', 'external_id', 'anonymous_id'].includes(k)) {
				const owner = lookup(k, v);
				if (owner && owner !== p) continue;
			}
			safe[k] = v;
		}
		applyAttributes(p, safe);
		return p;
	}

	// ---------------- events ----------------
	function recordEvent(attrs, profileData, source) {
		const p = resolveEventProfile(profileData);
		const metric = attrs.metric.data.attributes.name;
		const receivedAt = new Date();
		const timeMs = attrs.time ? Date.parse(attrs.time) : receivedAt.getTime();
		const time = new Date(Math.floor(timeMs / 1000) * 1000).toISOString();
		// Klaviyo: without unique_id the event time truncated to the second is used.
		const uniqueId = attrs.unique_id !== undefined && attrs.unique_id !== null ? String(attrs.unique_id) : time;
		const key = `${p.id}|${metric}|${uniqueId}`;
		if (st.dedup.has(key)) {
			st.duplicatesDropped++;
			return null;
		}
		st.dedup.add(key);
		const pa = profileData.attributes || {};
		const ev = {
			id: `${receivedAt.getTime().toString(36)}${(++st.eventSeq).toString(36)}`,
			metric,
			service: attrs.metric.data.attributes.service,
			profileId: p.id,
			profile: {
				email: pa.email ?? null,
				phone_number: pa.phone_number ?? null,
				external_id: pa.external_id ?? null,
				...(pa.anonymous_id ? { anonymous_id: pa.anonymous_id } : {}),
				...(profileData.id ? { id: profileData.id } : {}),
			},
			properties: attrs.properties,
			value: attrs.value ?? null,
			value_currency: attrs.value_currency ?? null,
			time,
			unique_id: attrs.unique_id ?? null,
			backfill: !!attrs.backfill,
			receivedAt: receivedAt.toISOString(),
			source,
		};
		st.events.push(ev);
		if (!p.attributes.last_event_date || p.attributes.last_event_date < time) p.attributes.last_event_date = time;
		return ev;
	}

	function addJob(job) {
		st.jobs.push(job);
		st.jobsById.set(job.id, job);
		return job;
	}

	// ---------------- handlers ----------------
	const H = {
		getAccounts(ctx) {
			const a = opts.account;
			return {
				status: 200,
				body: {
					data: [
						{
							type: 'account',
							id: a.id || 'FAKEAC',
							attributes: {
								test_account: a.test_account ?? true,
								contact_information: {
									default_sender_name: 'Fake Store',
									default_sender_email: 'owner@example.com',
									website_url: 'https://fake-store.example.com',
									organization_name: a.organization_name || 'Fake Klaviyo Store',
									street_address: { address1: '1 Main St', address2: null, city: 'Boston', region: 'MA', country: 'US', zip: '02110' },
								},
								industry: 'Ecommerce',
								timezone: a.timezone || 'UTC',
								preferred_currency: a.preferred_currency || 'USD',
								public_api_key: a.public_api_key || 'FakePk',
								locale: 'en-US',
							},
							links: { self: `${ctx.base}/api/accounts/${a.id || 'FAKEAC'}/` },
						},
					],
					links: { self: `${ctx.base}/api/accounts/`, next: null, prev: null },
				},
			};
		},

		postEvent(ctx) {
			const attrs = ctx.body.data.attributes;
			const profileData = attrs.profile.data;
			// the body passed strict.js in the pipeline (schema, identifiers, phone, time, properties…)
			recordEvent(attrs, profileData, 'events');
			return { status: 202 };
		},

		postProfileImport(ctx) {
			const data = ctx.body.data;
			const { profile, created } = upsertProfile(data);
			return { status: created ? 201 : 200, body: { data: publicProfile(profile, ctx.base), links: { self: `${ctx.base}/api/profile-import/` } } };
		},

		postEventBulk(ctx) {
			const items = ctx.body.data.attributes['events-bulk-create'].data || [];
			// profiles, events and the 1 000-event cap were checked by strict.js in the pipeline
			let total = 0;
			for (const it of items) total += ((it.attributes.events && it.attributes.events.data) || []).length;
			const job = addJob({ type: 'event-bulk-create-job', id: shortId(20), status: 'complete', total_count: total, created_at: nowIso(), stored: 0, duplicates: 0 });
			for (const it of items) {
				for (const e of it.attributes.events.data || []) {
					const ea = { ...e.attributes, backfill: e.attributes.backfill ?? it.attributes.backfill };
					if (recordEvent(ea, it.attributes.profile.data, `bulk:${job.id}`)) job.stored++;
					else job.duplicates++;
				}
			}
			return { status: 202 };
		},

		postProfileBulk(ctx) {
			const list = ctx.body.data.attributes.profiles.data || [];
			if (list.length > MAX_BULK_PROFILES)
				throw new HttpError(400, [invalid('/data/attributes/profiles/data', `A maximum of ${MAX_BULK_PROFILES} profiles may be imported per job.`)]);
			const t = nowIso();
			const job = addJob({
				type: 'profile-bulk-import-job',
				id: shortId(26),
				status: 'complete',
				created_at: t,
				started_at: t,
				completed_at: t,
				total_count: list.length,
				completed_count: 0,
				failed_count: 0,
				profileIds: [],
				importErrors: [],
				lists: ((ctx.body.data.relationships && ctx.body.data.relationships.lists && ctx.body.data.relationships.lists.data) || []).map((l) => l.id),
			});
			list.forEach((data, i) => {
				const errs = checkProfileAttrs(data, `/data/attributes/profiles/data/${i}`);
				if (!errs.length) {
					try {
						const { profile } = upsertProfile(data);
						job.completed_count++;
						job.profileIds.push(profile.id);
						return;
					} catch (err) {
						if (!(err instanceof HttpError)) throw err;
						errs.push(...err.errors);
					}
				}
				job.failed_count++;
				// one import error per failed profile (the first problem found), with the profile as sent
				const e = errs[0];
				job.importErrors.push({ id: crypto.randomUUID(), code: e.code, title: e.title, detail: e.detail, source: e.source, original_payload: data });
			});
			// Klaviyo answers "queued"; GET shows the finished job.
			return { status: 202, body: { data: jobResource(job, ctx.base, 'queued'), links: { self: `${ctx.base}/api/profile-bulk-import-jobs/` } } };
		},

		/** Cursor-paginated like Klaviyo: page[size] 1..100 (default 20), page[cursor] from links.next. */
		getProfileBulkErrors(ctx) {
			const job = st.jobsById.get(ctx.params[0]);
			if (!job || job.type !== 'profile-bulk-import-job')
				throw new HttpError(404, [errorObj(404, 'not_found', 'Not found.', 'Not found.', { parameter: 'id' })]);
			const q = ctx.query;
			const sizeRaw = q.get('page[size]');
			const size = sizeRaw === null ? 20 : Number(sizeRaw);
			if (!Number.isInteger(size) || size < 1 || size > 100)
				throw new HttpError(400, [errorObj(400, 'invalid', 'Invalid input.', 'page[size] must be an integer between 1 and 100.', { parameter: 'page[size]' })]);
			const cursor = q.get('page[cursor]');
			const start = cursor === null ? 0 : Number.parseInt(Buffer.from(cursor, 'base64url').toString('utf8'), 10);
			if (!Number.isInteger(start) || start < 0)
				throw new HttpError(400, [errorObj(400, 'invalid', 'Invalid input.', 'Invalid page[cursor].', { parameter: 'page[cursor]' })]);
			const page = job.importErrors.slice(start, start + size);
			const self = `${ctx.base}/api/profile-bulk-import-jobs/${job.id}/import-errors/`;
			const links = { self };
			if (start + size < job.importErrors.length)
				links.next = `${self}?page[size]=${size}&page[cursor]=${Buffer.from(String(start + size)).toString('base64url')}`;
			return {
				status: 200,
				body: {
					data: page.map((e) => ({
						type: 'import-error',
						id: e.id,
						attributes: { code: e.code, title: e.title, detail: e.detail, source: e.source || { pointer: '/data' }, original_payload: e.original_payload },
					})),
					links,
				},
			};
		},

		getProfileBulk(ctx) {
			const job = st.jobsById.get(ctx.params[0]);
			if (!job || job.type !== 'profile-bulk-import-job')
				throw new HttpError(404, [errorObj(404, 'not_found', 'Not found.', 'Not found.', { parameter: 'job_id' })]);
			return { status: 200, body: { data: jobResource(job, ctx.base), links: { self: `${ctx.base}/api/profile-bulk-import-jobs/${job.id}/` } } };
		},

		postSubscribe(ctx) {
			return subscriptionJob(ctx, 'profile-subscription-bulk-create-job', 'SUBSCRIBED');
		},
		postUnsubscribe(ctx) {
			return subscriptionJob(ctx, 'profile-subscription-bulk-delete-job', 'UNSUBSCRIBED');
		},

		postDeletion(ctx) {
			const data = ctx.body.data.attributes.profile.data;
			const attrs = data.attributes || {};
			const has = (v) => v !== undefined && v !== null && v !== '';
			const ids = ['id', 'email', 'phone_number'].filter((f) => has(f === 'id' ? data.id : attrs[f]));
			// exactly one of them: checked by strict.js in the pipeline
			const p = data.id ? st.profiles.get(data.id) : lookup(ids[0], attrs[ids[0]]);
			let eventsDeleted = 0;
			if (p) {
				const before = st.events.length;
				st.events = st.events.filter((e) => e.profileId !== p.id);
				eventsDeleted = before - st.events.length;
				deleteProfile(p);
			}
			addJob({ type: 'data-privacy-deletion-job', id: shortId(20), status: 'complete', created_at: nowIso(), profileFound: !!p, profileId: p ? p.id : null, eventsDeleted });
			return { status: 202 };
		},

		getProfiles(ctx) {
			const op = specOperation('GET', '/api/profiles');
			const declared = new Map(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
			const q = ctx.query;
			const param = (name, detail) => new HttpError(400, [errorObj(400, 'invalid', 'Invalid input.', detail, { parameter: name })]);
			for (const name of q.keys()) if (!declared.has(name)) throw param(name, `'${name}' is not a valid query parameter.`);
			let size = 20;
			if (q.has('page[size]')) {
				const raw = q.get('page[size]');
				size = /^\d+$/.test(raw) ? Number(raw) : NaN;
				if (!(size >= 1 && size <= 100)) throw param('page[size]', 'Page size must be an integer between 1 and 100.');
			}
			let fields;
			if (q.has('fields[profile]')) {
				const allowed = declared.get('fields[profile]').schema.items.enum;
				fields = q.get('fields[profile]').split(',');
				const wrong = fields.find((f) => !allowed.includes(f));
				if (wrong !== undefined) throw param('fields[profile]', `'${wrong}' is not a valid field for the resource 'profile'.`);
			}
			let list = Array.from(st.profiles.values());
			if (q.has('filter')) {
				const parsed = parseFilter(q.get('filter'), op['x-klaviyo-filters'] || {});
				if (parsed.error) throw parsed.error;
				const wanted = new Set(parsed.values.map((v) => (parsed.field === 'email' ? normId('email', v) : v)));
				list = list.filter((p) => {
					const v = parsed.field === 'id' ? p.id : p.attributes[parsed.field];
					return v !== null && v !== undefined && wanted.has(parsed.field === 'email' ? normId('email', v) : String(v));
				});
			}
			const offset = q.has('page[cursor]') ? Number(q.get('page[cursor]')) || 0 : 0;
			const page = list.slice(offset, offset + size);
			const data = page.map((p) => {
				const full = publicProfile(p, ctx.base);
				if (!fields) return full;
				const attributes = {};
				for (const f of fields) if (f !== 'id' && f in full.attributes) attributes[f] = full.attributes[f];
				return { ...full, attributes };
			});
			const next = offset + size < list.length ? `${ctx.base}/api/profiles/?page%5Bcursor%5D=${offset + size}` : null;
			return { status: 200, body: { data, links: { self: `${ctx.base}/api/profiles/`, next, prev: null } } };
		},

		patchProfile(ctx) {
			const id = ctx.params[0];
			const data = ctx.body.data;
			if (data.id !== id) throw new HttpError(409, [errorObj(409, 'conflict', 'Conflict.', 'The id in the URL does not match the id in the request body.', { pointer: '/data/id' })]);
			const p = st.profiles.get(id);
			if (!p) throw new HttpError(404, [errorObj(404, 'not_found', 'Not found.', `A profile with id ${id} does not exist.`, { parameter: 'id' })]);
			const errors = checkProfileAttrs(data, '/data', { requireIdentifier: false });
			if (errors.length) throw new HttpError(400, errors);
			const attrs = data.attributes || {};
			for (const f of IDENTIFIERS) {
				const owner = lookup(f, attrs[f]);
				if (owner && owner !== p) {
					const e = errorObj(409, 'duplicate_profile', 'Conflict.', 'A profile already exists with one of these identifiers.', { pointer: '/data/attributes' });
					e.meta = { duplicate_profile_id: owner.id };
					throw new HttpError(409, [e]);
				}
			}
			applyAttributes(p, attrs);
			return { status: 200, body: { data: publicProfile(p, ctx.base), links: { self: `${ctx.base}/api/profiles/${id}/` } } };
		},
	};

	function jobResource(job, base, statusOverride) {
		return {
			type: 'profile-bulk-import-job',
			id: job.id,
			attributes: {
				status: statusOverride || job.status,
				created_at: job.created_at,
				total_count: job.total_count,
				completed_count: statusOverride ? 0 : job.completed_count,
				failed_count: statusOverride ? 0 : job.failed_count,
				completed_at: statusOverride ? null : job.completed_at,
				expires_at: null,
				started_at: statusOverride ? null : job.started_at,
			},
			relationships: {
				lists: { data: job.lists.map((id) => ({ type: 'list', id })) },
				profiles: { links: { self: `${base}/api/profile-bulk-import-jobs/${job.id}/relationships/profiles/` } },
				'import-errors': { links: { related: `${base}/api/profile-bulk-import-jobs/${job.id}/import-errors/` } },
			},
			links: { self: `${base}/api/profile-bulk-import-jobs/${job.id}/` },
		};
	}

	function subscriptionJob(ctx, type, consent) {
		const d = ctx.body.data;
		const list = d.attributes.profiles.data || [];
		// every profile has the identifier its channel needs: checked by strict.js in the pipeline
		const listId = d.relationships && d.relationships.list && d.relationships.list.data && d.relationships.list.data.id;
		const t = nowIso();
		for (const data of list) {
			const a = data.attributes || {};
			let p = (data.id && st.profiles.get(data.id)) || lookup('email', a.email) || lookup('phone_number', a.phone_number);
			if (!p && consent === 'SUBSCRIBED') {
				p = newProfile();
				applyAttributes(p, { email: lookup('email', a.email) ? undefined : a.email, phone_number: lookup('phone_number', a.phone_number) ? undefined : a.phone_number });
			}
			if (!p) continue;
			for (const ch of ['email', 'sms']) {
				if (!(a.subscriptions && a.subscriptions[ch])) continue;
				p.attributes.subscriptions[ch] = { consent, list: listId || null, at: t };
			}
		}
		addJob({ type, id: shortId(20), status: 'complete', created_at: t, total_count: list.length, list: listId || null, custom_source: d.attributes.custom_source ?? null });
		return { status: 202 };
	}

	// ---------------- state & admin ----------------
	function snapshot() {
		return {
			events: st.events,
			profiles: Array.from(st.profiles.values()).map((p) => ({ id: p.id, ...p.attributes })),
			jobs: st.jobs,
			requests: st.requests,
			duplicatesDropped: st.duplicatesDropped,
			rejected: st.rejected,
			counts: { events: st.events.length, profiles: st.profiles.size, jobs: st.jobs.length },
			faults: faults.map(({ matched, ...r }) => ({ ...r, matched })),
			config: { rateLimits: opts.rateLimits, rateLimitScale: opts.rateLimitScale, latencyMs: opts.latencyMs },
		};
	}

	function summaryText() {
		const byMetric = new Map();
		for (const e of st.events) byMetric.set(e.metric, (byMetric.get(e.metric) || 0) + 1);
		const lines = [];
		const pad = (s, n) => String(s).padEnd(n);
		lines.push('Fake Klaviyo — events by metric');
		lines.push(`${pad('metric', 32)} count`);
		lines.push(`${'-'.repeat(32)} -----`);
		for (const [m, n] of [...byMetric.entries()].sort()) lines.push(`${pad(m, 32)} ${n}`);
		lines.push(`${pad('TOTAL', 32)} ${st.events.length}   (duplicates dropped: ${st.duplicatesDropped})`);
		lines.push('');
		lines.push(`Profiles (${st.profiles.size})`);
		lines.push(`${pad('id', 27)} ${pad('email', 32)} ${pad('phone', 16)} ${pad('external_id', 16)} ${pad('name', 24)} events`);
		const evCount = new Map();
		for (const e of st.events) evCount.set(e.profileId, (evCount.get(e.profileId) || 0) + 1);
		let shown = 0;
		for (const p of st.profiles.values()) {
			if (shown++ >= 200) {
				lines.push(`… ${st.profiles.size - 200} more`);
				break;
			}
			const a = p.attributes;
			const name = [a.first_name, a.last_name].filter(Boolean).join(' ');
			lines.push(`${pad(p.id, 27)} ${pad(a.email || '', 32)} ${pad(a.phone_number || '', 16)} ${pad(a.external_id || '', 16)} ${pad(name, 24)} ${evCount.get(p.id) || 0}`);
		}
		lines.push('');
		lines.push(`Jobs: ${st.jobs.length}   Rejected (400): ${st.rejected.length}`);
		lines.push('Requests:');
		for (const [k, v] of Object.entries(st.requests))
			lines.push(`  ${pad(k, 52)} ${Object.entries(v).map(([s, n]) => `${s}×${n}`).join('  ')}`);
		return `${lines.join('\n')}\n`;
	}

	function handleAdmin(req, res, url, raw) {
		const p = url.pathname.replace(/\/+$/, '');
		const json = (status, body) => {
			const s = JSON.stringify(body);
			res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s) });
			res.end(s);
		};
		let body;
		if (raw.length) {
			try {
				body = JSON.parse(raw);
			} catch {
				return json(400, { error: 'invalid JSON' });
			}
		}
		const m = req.method;
		if (m === 'GET' && p === '/__admin/state') return json(200, snapshot());
		if (m === 'GET' && p === '/__admin/health') return json(200, { ok: true });
		if (m === 'GET' && p === '/__admin/events') {
			const q = url.searchParams;
			let evs = st.events;
			if (q.has('metric')) evs = evs.filter((e) => e.metric === q.get('metric'));
			if (q.has('profile_id')) evs = evs.filter((e) => e.profileId === q.get('profile_id'));
			if (q.has('email')) evs = evs.filter((e) => (st.profiles.get(e.profileId)?.attributes.email || e.profile.email) === q.get('email'));
			if (q.has('unique_id')) evs = evs.filter((e) => e.unique_id === q.get('unique_id'));
			return json(200, { count: evs.length, events: evs });
		}
		if (m === 'GET' && p === '/__admin/profiles') {
			const q = url.searchParams;
			let ps = Array.from(st.profiles.values()).map((x) => ({ id: x.id, ...x.attributes }));
			for (const f of ['email', 'phone_number', 'external_id', 'id']) if (q.has(f)) ps = ps.filter((x) => x[f] === q.get(f));
			return json(200, { count: ps.length, profiles: ps });
		}
		if (m === 'GET' && p === '/__admin/jobs') return json(200, { count: st.jobs.length, jobs: st.jobs });
		if (m === 'GET' && p === '/__admin/requests') return json(200, { count: st.log.length, requests: st.log });
		if (m === 'GET' && p === '/__admin/early-retries') {
			const early = earlyRetries();
			return json(200, { count: early.length, earlyRetries: early });
		}
		if (m === 'GET' && p === '/__admin/summary') {
			const s = summaryText();
			res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(s) });
			return res.end(s);
		}
		if (m === 'POST' && p === '/__admin/reset') {
			reset();
			return json(200, { ok: true });
		}
		if (p === '/__admin/faults') {
			if (m === 'GET') return json(200, faults);
			if (m === 'POST' || m === 'PUT') return json(200, setFaults(body));
			if (m === 'DELETE') return json(200, setFaults([]));
		}
		if (m === 'POST' && p === '/__admin/config') {
			if (body && (body.rateLimits !== undefined || body.rateLimitScale !== undefined))
				setRateLimits({ enabled: body.rateLimits, scale: body.rateLimitScale });
			if (body && body.latencyMs !== undefined) opts.latencyMs = Number(body.latencyMs) || 0;
			return json(200, snapshot().config);
		}
		return json(404, { error: 'unknown admin endpoint' });
	}

	// ---------------- faults ----------------
	function findFault(method, pathname, raw, now) {
		for (const r of faults) {
			if (r.path && !pathname.startsWith(r.path)) continue;
			if (r.method && r.method.toUpperCase() !== method) continue;
			if (r.matchBody && !raw.includes(r.matchBody)) continue;
			if (r.windowSeconds !== undefined) {
				if (r.windowOpenedAt === null) r.windowOpenedAt = now;
				if (now < r.windowOpenedAt || now >= r.windowOpenedAt + r.windowSeconds * 1000) continue;
			}
			r.matched++;
			let fire = true;
			if (r.count !== undefined && r.matched > r.count) fire = false;
			if (fire && r.every !== undefined && r.matched % r.every !== 0) fire = false;
			if (fire && r.probability !== undefined && !(Math.random() < r.probability)) fire = false;
			if (fire) {
				r.hits++;
				return r;
			}
		}
		return null;
	}

	/** Retry-After of a firing rule: its `retryAfter`, or for a windowed rule the seconds left in the window. */
	function faultRetryAfter(rule, now) {
		if (rule.retryAfter !== undefined) return String(rule.retryAfter);
		if (rule.windowSeconds !== undefined && rule.windowOpenedAt !== null)
			return String(Math.max(1, Math.ceil((rule.windowOpenedAt + rule.windowSeconds * 1000 - now) / 1000)));
		return undefined;
	}

	function sendFaultStatus(res, rule, status, now = Date.now()) {
		const headers = {};
		const retryAfter = faultRetryAfter(rule, now);
		if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
		if (status === 502 || status === 524) {
			// These come from Cloudflare in front of Klaviyo: an HTML page, not JSON:API.
			const html = `<!DOCTYPE html><html><head><title>${status === 524 ? 'a timeout occurred' : 'Bad gateway'}</title></head><body>Error code ${status}</body></html>`;
			res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': Buffer.byteLength(html) });
			return res.end(html);
		}
		let err;
		if (status === 429) {
			if (headers['Retry-After'] === undefined) headers['Retry-After'] = '1';
			err = errorObj(429, 'throttled', 'Request was throttled.', `Request was throttled. Expected available in ${headers['Retry-After']} second${headers['Retry-After'] === '1' ? '' : 's'}.`);
		} else if (status === 503) err = errorObj(503, 'service_unavailable', 'Service unavailable.', 'Service temporarily unavailable, try again later.');
		else if (status >= 500) err = errorObj(status, 'error', 'A server error occurred.', 'A server error occurred.');
		else err = errorObj(status, 'error', 'Error.', 'Injected fault.');
		return sendJsonApi(res, status, { errors: [err] }, headers);
	}

	function sendJsonApi(res, status, body, headers = {}) {
		if (body === undefined) {
			res.writeHead(status, { ...headers, 'Content-Length': 0 });
			return res.end();
		}
		const s = JSON.stringify(body);
		res.writeHead(status, { ...headers, 'Content-Type': JSONAPI, 'Content-Length': Buffer.byteLength(s) });
		return res.end(s);
	}

	// ---------------- request pipeline ----------------
	function count(key, status) {
		const c = st.requests[key] || (st.requests[key] = {});
		c[status] = (c[status] || 0) + 1;
	}

	function eventUniqueId(raw) {
		try {
			const u = JSON.parse(raw).data.attributes.unique_id;
			return typeof u === 'string' ? u : undefined;
		} catch {
			return undefined;
		}
	}

	/** Request log entry: arrival time, what was answered, and a hash of the body (no body, no PII). */
	function logRequest(entry) {
		st.log.push({ seq: ++st.logSeq, ...entry });
		if (st.log.length > opts.requestLogLimit) st.log.splice(0, st.log.length - opts.requestLogLimit);
	}

	/**
	 * Retries that came earlier than the Retry-After they were given: for every answer carrying
	 * Retry-After R (s) at arrival time t, the next request with the same method, path and body
	 * (a retry) must arrive at or after t + R s. Retry-After 0 allows any retry.
	 */
	function earlyRetries() {
		const out = [];
		const pending = new Map();
		for (const e of st.log) {
			const k = `${e.method} ${e.path} ${e.bodySha}`;
			const prev = pending.get(k);
			if (prev) {
				pending.delete(k);
				const earliest = prev.at + Number(prev.retryAfter) * 1000;
				if (e.at < earliest) out.push({ seq: e.seq, at: e.at, method: e.method, path: e.path, after: prev.seq, retryAfter: Number(prev.retryAfter), earlyByMs: earliest - e.at });
			}
			if (e.retryAfter !== undefined && e.retryAfter !== null && /^\d+$/.test(String(e.retryAfter))) pending.set(k, e);
		}
		return out;
	}

	function onRequest(req, res) {
		const started = Date.now();
		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c) => {
			size += c.length;
			if (size > MAX_BODY) tooLarge = true;
			else chunks.push(c);
		});
		req.on('end', () => {
			const raw = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
			let url;
			try {
				url = new URL(req.url, 'http://x');
			} catch {
				url = new URL('/', 'http://x');
			}
			if (url.pathname.startsWith('/__admin')) return handleAdmin(req, res, url, raw);
			const bodySha = crypto.createHash('sha256').update(raw).digest('hex').slice(0, 16);
			const done = (status, routeKey, extra = {}) => {
				count(routeKey, status);
				// an event's unique_id (a Shopify id, no PII): which event each request carried, retries included
				const uniqueId = routeKey === 'POST /api/events' ? eventUniqueId(raw) : undefined;
				logRequest({ at: started, method: req.method, path: url.pathname, route: routeKey, status, bodySha, ...(uniqueId ? { uniqueId } : {}), ...extra });
				if (opts.log) opts.log(`${req.method} ${url.pathname} ${status} ${Date.now() - started}ms`);
			};
			const routeKey = (r) => (r ? `${r.method} ${r.tpl}` : `${req.method} ${url.pathname}`);
			const { route, params, pathMatched } = matchRoute(req.method, url.pathname);
			const key = routeKey(route);

			const found = findFault(req.method, url.pathname, raw, started);
			// afterStore rules let the request through and lose its answer afterwards (below)
			const rule = found && found.afterStore === undefined ? found : null;
			const lose = found && found.afterStore !== undefined ? found : null;
			if (rule) {
				const mode = rule.mode;
				if (mode === 'reset') {
					done('reset', key, { fault: rule.id });
					req.socket.destroy();
					return;
				}
				if (mode === 'timeout') {
					done('timeout', key, { fault: rule.id });
					const ms = rule.hangMs ?? rule.ms;
					hung.add(res);
					res.on('close', () => hung.delete(res));
					if (ms !== undefined) {
						const t = setTimeout(() => {
							hung.delete(res);
							if (res.destroyed) return;
							if (rule.status) sendFaultStatus(res, rule, rule.status);
							else req.socket.destroy();
						}, ms);
						t.unref();
						res.on('close', () => clearTimeout(t));
					}
					return;
				}
				const status = rule.status || 500;
				const retryAfter = faultRetryAfter(rule, started) ?? (status === 429 ? '1' : undefined);
				done(status, key, { fault: rule.id, ...(retryAfter !== undefined ? { retryAfter: Number(retryAfter) } : {}) });
				return sendFaultStatus(res, rule, status, started);
			}

			let result;
			let headers = {};
			try {
				result = handleApi(req, url, raw, route, params, pathMatched, tooLarge, (h) => (headers = h));
			} catch (err) {
				if (err instanceof HttpError) {
					result = { status: err.status, body: { errors: err.errors } };
					headers = { ...headers, ...(err.headers || {}) };
					if (err.status === 400) {
						st.rejected.push({
							at: new Date().toISOString(),
							method: req.method,
							path: url.pathname,
							errors: err.errors.map((e) => ({ code: e.code, pointer: e.source && (e.source.pointer || e.source.parameter), detail: e.detail })),
						});
						if (st.rejected.length > 100) st.rejected.shift();
					}
				} else {
					result = { status: 500, body: { errors: [errorObj(500, 'error', 'A server error occurred.', 'A server error occurred.')] } };
					if (opts.log) opts.log(`internal error: ${err && err.stack}`);
				}
			}
			const retryAfter = headers['Retry-After'];
			if (lose) return loseAnswer(req, res, lose, result.status, key, done);
			done(result.status, key, retryAfter !== undefined ? { retryAfter: Number(retryAfter) } : {});
			if (opts.latencyMs > 0) setTimeout(() => sendJsonApi(res, result.status, result.body, headers), opts.latencyMs);
			else sendJsonApi(res, result.status, result.body, headers);
		});
	}

	/**
	 * "Stored, but the answer was lost": the request was processed (state changed, if it was valid)
	 * and the client gets `afterStore` instead of the answer: a status (e.g. 500), 'reset' (socket
	 * destroyed) or 'timeout' (no answer; after `hangMs` the socket is destroyed).
	 */
	function loseAnswer(req, res, rule, storedStatus, key, done) {
		const what = rule.afterStore;
		done(`lost-${what}`, key, { fault: rule.id, storedStatus });
		if (what === 'reset') return req.socket.destroy();
		if (what === 'timeout') {
			hung.add(res);
			res.on('close', () => hung.delete(res));
			const ms = rule.hangMs ?? rule.ms;
			if (ms !== undefined) {
				const t = setTimeout(() => {
					hung.delete(res);
					if (!res.destroyed) req.socket.destroy();
				}, ms);
				t.unref();
				res.on('close', () => clearTimeout(t));
			}
			return;
		}
		return sendFaultStatus(res, rule, Number(what) || 500);
	}

	function handleApi(req, url, raw, route, params, pathMatched, tooLarge, setHeaders) {
		if (!route) {
			if (pathMatched) throw new HttpError(405, [errorObj(405, 'method_not_allowed', `Method "${req.method}" not allowed.`, `Method "${req.method}" not allowed.`)]);
			throw new HttpError(404, [errorObj(404, 'not_found', 'Not found.', 'Not found.')]);
		}
		// Auth
		const auth = req.headers.authorization;
		const m = auth ? KEY_RE.exec(auth) : null;
		if (!auth)
			throw new HttpError(401, [errorObj(401, 'not_authenticated', 'Authentication credentials were not provided.', 'Missing or invalid private key.', { pointer: '/data/' })]);
		if (!m || (opts.acceptKey && m[1] !== opts.acceptKey))
			throw new HttpError(401, [errorObj(401, 'authentication_failed', 'Incorrect authentication credentials.', 'Incorrect authentication credentials.', { pointer: '/data/' })]);
		// Revision
		// only revisions Klaviyo has published (strict.js KNOWN_REVISIONS)
		const revisionProblem = strict.revisionError(req.headers.revision);
		if (revisionProblem) throw new HttpError(400, [errorObj(400, 'invalid', 'Invalid input.', revisionProblem, { parameter: 'revision' })]);
		// Rate limit (every authenticated request counts, even ones rejected later)
		if (opts.rateLimits) {
			const lim = limiterFor(route);
			if (lim) {
				const r = lim.take(Date.now());
				setHeaders(r.headers);
				if (!r.ok) {
					const secs = Math.floor(r.waitMs / 1000);
					throw new HttpError(
						429,
						[errorObj(429, 'throttled', 'Request was throttled.', `Request was throttled. Expected available in ${Math.max(1, Math.ceil(r.waitMs / 1000))} second${Math.ceil(r.waitMs / 1000) > 1 ? 's' : ''}.`)],
						{ 'Retry-After': String(secs) },
					);
				}
			}
		}
		let body;
		if (req.method === 'POST' || req.method === 'PATCH') {
			const ct = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
			if (ct !== JSONAPI && ct !== 'application/json')
				throw new HttpError(415, [errorObj(415, 'unsupported_media_type', `Unsupported media type "${ct}" in request.`, `Unsupported media type "${ct}" in request.`)]);
			if (tooLarge) throw new HttpError(413, [errorObj(413, 'request_too_large', 'Request too large.', 'The request payload must not exceed 5 MB.')]);
			try {
				body = JSON.parse(raw);
			} catch (e) {
				throw new HttpError(400, [errorObj(400, 'parse_error', 'Malformed request.', `JSON parse error - ${e.message}`)]);
			}
			// strict.js: schema, unknown attributes, identifiers, phones, sizes. A bulk import's bad
			// profile (`item`) fails only that profile: the handler records it as an import error.
			const problems = strict.checkRequest(req.method, route.tpl, body, { unknownAttributes: opts.strictFields }).filter((e) => e.item === undefined);
			if (problems.length) throw new HttpError(400, problems.slice(0, 10).map((e) => invalid(e.pointer, e.detail)));
		}
		const base = `http://${req.headers.host || '127.0.0.1'}`;
		return H[route.h]({ body, params, base, query: url.searchParams });
	}

	// ---------------- lifecycle ----------------
	const api = {
		start(port = 0) {
			warm();
			return new Promise((resolve, reject) => {
				server = http.createServer(onRequest);
				server.keepAliveTimeout = 65000;
				server.on('error', reject);
				server.listen(port, opts.host, () => {
					const p = server.address().port;
					api.port = p;
					api.url = `http://${opts.host}:${p}`;
					resolve({ port: p, url: api.url });
				});
			});
		},
		stop() {
			return new Promise((resolve) => {
				if (!server) return resolve();
				for (const res of hung) res.destroy();
				hung.clear();
				const s = server;
				server = null;
				s.close(() => resolve());
				if (s.closeAllConnections) s.closeAllConnections();
			});
		},
		get state() {
			return snapshot();
		},
		/** Every API request in arrival order: {seq, at, method, path, route, status, retryAfter?, fault?, storedStatus?, bodySha, uniqueId? (events)} */
		get requestLog() {
			return st.log.slice();
		},
		earlyRetries,
		reset,
		setFaults,
		setRateLimits,
		summary: summaryText,
		port: undefined,
		url: undefined,
	};
	return api;
}

module.exports = { createFakeKlaviyo };
