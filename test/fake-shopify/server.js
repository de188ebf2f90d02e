'use strict';
/**
 * A fake Shopify GraphQL Admin API for tests, the benchmark and `npm start` without Shopify keys.
 *
 *   POST /admin/api/<version>/graphql.json   queries executed (graphql-js) against schema.graphql — the
 *                                            part of Shopify's documented schema the project reads
 *   GET  /__bulk/<n>.jsonl                   a bulk operation's result (JSONL, nested connections as
 *                                            lines with __parentId, as Shopify writes them); honours
 *                                            `Range: bytes=a-b` (206 / 416) like the storage behind
 *                                            Shopify's signed result URLs
 *   /__admin/…                               test controls: add orders/customers, summary, reset, config
 *
 * What it enforces, as Shopify documents it:
 *   - X-Shopify-Access-Token (401 `{"errors":"[API] Invalid API key or access token …"}`);
 *   - calculated query cost: requested cost (connections: 2 + first × node cost, objects 1, scalars 0),
 *     a single query above 1 000 points → MAX_COST_EXCEEDED; a leaky bucket (default 2 000 points,
 *     restoring 100/s — the Standard plan) → `errors: [{ message: "Throttled", extensions: { code:
 *     "THROTTLED" } }]` with `extensions.cost.throttleStatus`; every answer carries `extensions.cost`,
 *     and the unused part of the requested cost is refunded;
 *   - cursor pagination (`first`/`after`, `pageInfo`), `query:` search on updated_at / created_at
 *     (`>`, `>=`, `<`, `<=`, AND), `sortKey`, `reverse`;
 *   - bulkOperationRunQuery → CREATED → RUNNING → COMPLETED with a JSONL `url`; one bulk query at a time.
 * Ids are gid://shopify/<Type>/<n> strings; numeric parts may exceed 2^53 (kept as strings throughout).
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { buildSchema, parse, validate, execute, Kind } = require('graphql');

const SCHEMA = buildSchema(fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8'));
const MAX_QUERY_COST = 1000;
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

const gid = (type, id) => (String(id).startsWith('gid://') ? String(id) : `gid://shopify/${type}/${id}`);
const numericId = (id) => String(id).replace(/^gid:\/\/shopify\/[A-Za-z]+\//, '');
const up = (v) => (typeof v === 'string' && v ? v.toUpperCase() : undefined);
const iso = (v) => (v ? new Date(Date.parse(v)).toISOString().replace(/\.000Z$/, 'Z') : null);

// ─── webhook payloads → the fake's GraphQL objects (so fixtures can seed the fake) ─────────────────
function moneyBag(amount, currency, presentmentAmount, presentmentCurrency) {
	const shop = { amount: String(amount ?? '0.0'), currencyCode: currency || 'USD' };
	return { shopMoney: shop, presentmentMoney: { amount: String(presentmentAmount ?? shop.amount), currencyCode: presentmentCurrency || shop.currencyCode } };
}
function addressFromWebhook(a) {
	if (!a || typeof a !== 'object') return null;
	return {
		id: gid('MailingAddress', a.id ?? Math.floor(Math.random() * 1e9)),
		firstName: a.first_name ?? null,
		lastName: a.last_name ?? null,
		address1: a.address1 ?? null,
		address2: a.address2 ?? null,
		city: a.city ?? null,
		province: a.province ?? null,
		provinceCode: a.province_code ?? null,
		zip: a.zip ?? null,
		country: a.country ?? a.country_name ?? null,
		countryCodeV2: a.country_code ?? null,
		phone: a.phone ?? null,
	};
}
const FULFILLMENT = { fulfilled: 'FULFILLED', partial: 'PARTIALLY_FULFILLED', restocked: 'RESTOCKED' };

/** An orders/* webhook payload → the Order the fake serves. */
function orderFromWebhook(p) {
	const currency = p.currency || p.total_price_set?.shop_money?.currency_code || 'USD';
	const lineOf = (li) => ({
		id: gid('LineItem', li.id),
		name: li.name ?? li.title ?? '',
		title: li.title ?? li.name ?? '',
		variantTitle: li.variant_title ?? null,
		sku: li.sku ?? null,
		vendor: li.vendor ?? null,
		quantity: li.quantity,
		product: li.product_id != null ? { id: gid('Product', li.product_id), title: li.title ?? '' } : null,
		variant: li.variant_id != null ? { id: gid('ProductVariant', li.variant_id), title: li.variant_title ?? '', sku: li.sku ?? null } : null,
		originalUnitPriceSet: moneyBag(li.price, currency),
	});
	const customer = p.customer && typeof p.customer === 'object' ? customerFromWebhook(p.customer) : null;
	return {
		id: gid('Order', p.id),
		legacyResourceId: numericId(p.id),
		name: p.name ?? (p.order_number != null ? String(p.order_number) : `#${p.id}`),
		email: p.email ?? null,
		phone: p.phone ?? null,
		createdAt: iso(p.created_at),
		updatedAt: iso(p.updated_at ?? p.created_at),
		processedAt: iso(p.processed_at ?? p.created_at),
		cancelledAt: iso(p.cancelled_at),
		cancelReason: up(p.cancel_reason) ?? null,
		closedAt: iso(p.closed_at),
		test: p.test === true,
		tags: typeof p.tags === 'string' ? p.tags.split(',').map((t) => t.trim()).filter(Boolean) : Array.isArray(p.tags) ? p.tags : [],
		note: p.note ?? null,
		sourceName: p.source_name ?? null,
		currencyCode: currency,
		presentmentCurrencyCode: p.presentment_currency || currency,
		discountCodes: (p.discount_codes || []).map((d) => (typeof d === 'string' ? d : d.code)).filter(Boolean),
		displayFinancialStatus: up(p.financial_status) ?? null,
		displayFulfillmentStatus: FULFILLMENT[p.fulfillment_status] ?? 'UNFULFILLED',
		totalPriceSet: p.total_price_set
			? moneyBag(p.total_price_set.shop_money?.amount ?? p.total_price, currency, p.total_price_set.presentment_money?.amount, p.total_price_set.presentment_money?.currency_code)
			: moneyBag(p.total_price, currency),
		totalDiscountsSet: p.total_discounts != null ? moneyBag(p.total_discounts, currency) : null,
		customer,
		billingAddress: addressFromWebhook(p.billing_address),
		shippingAddress: addressFromWebhook(p.shipping_address),
		_lineItems: (p.line_items || []).map(lineOf),
		_fulfillments: (p.fulfillments || []).map((f) => ({
			id: gid('Fulfillment', f.id ?? Math.floor(Math.random() * 1e9)),
			createdAt: iso(f.created_at),
			status: up(f.status) ?? 'SUCCESS',
			_trackingInfo: (f.tracking_numbers || (f.tracking_number ? [f.tracking_number] : [])).map((number, i) => ({
				company: f.tracking_company ?? null,
				number,
				url: (f.tracking_urls || [])[i] ?? (i === 0 ? f.tracking_url ?? null : null),
			})),
		})),
		_refunds: (p.refunds || []).map((r) => {
			const success = (r.transactions || []).filter((t) => t.kind === 'refund' && t.status === 'success');
			const refunded = success.reduce((s, t) => s + Math.round(Number(t.amount) * 100), 0) / 100;
			return {
				id: gid('Refund', r.id),
				createdAt: iso(r.processed_at ?? r.created_at),
				updatedAt: iso(r.processed_at ?? r.created_at),
				note: r.note ?? null,
				totalRefundedSet: moneyBag(refunded.toFixed(2), success[0]?.currency || currency),
				_refundLineItems: (r.refund_line_items || []).map((l) => ({
					quantity: l.quantity,
					lineItem: lineOf({ ...(l.line_item || {}), id: l.line_item?.id ?? l.line_item_id, quantity: l.quantity, price: l.line_item?.price ?? '0.00' }),
					subtotalSet: moneyBag(l.subtotal_set?.shop_money?.amount ?? l.subtotal ?? '0.00', l.subtotal_set?.shop_money?.currency_code || currency),
					totalTaxSet: moneyBag(l.total_tax_set?.shop_money?.amount ?? l.total_tax ?? '0.00', currency),
				})),
			};
		}),
	};
}

/** A customers/* webhook payload (+ optional consent) → the Customer the fake serves. */
function customerFromWebhook(p, consent = {}) {
	const address = p.default_address ?? (Array.isArray(p.addresses) ? p.addresses[0] : undefined);
	const email = p.email ?? consent.email?.address;
	const phone = p.phone ?? consent.sms?.phone;
	return {
		id: gid('Customer', p.id),
		legacyResourceId: numericId(p.id),
		firstName: p.first_name ?? null,
		lastName: p.last_name ?? null,
		displayName: [p.first_name, p.last_name].filter(Boolean).join(' ') || email || '',
		state: up(p.state) ?? 'DISABLED',
		verifiedEmail: p.verified_email === true,
		tags: typeof p.tags === 'string' ? p.tags.split(',').map((t) => t.trim()).filter(Boolean) : Array.isArray(p.tags) ? p.tags : [],
		note: p.note ?? null,
		createdAt: iso(p.created_at ?? p.updated_at ?? '2026-01-01T00:00:00Z'),
		updatedAt: iso(p.updated_at ?? p.created_at ?? '2026-01-01T00:00:00Z'),
		email: email ?? null,
		phone: phone ?? null,
		defaultEmailAddress: email
			? {
					emailAddress: email,
					marketingState: up(consent.email?.state) ?? 'NOT_SUBSCRIBED',
					marketingOptInLevel: up(consent.email?.opt_in_level) ?? null,
					marketingUpdatedAt: iso(consent.email?.consent_updated_at),
				}
			: null,
		defaultPhoneNumber: phone
			? {
					phoneNumber: phone,
					marketingState: up(consent.sms?.state) ?? 'NOT_SUBSCRIBED',
					marketingOptInLevel: up(consent.sms?.opt_in_level) ?? null,
					marketingUpdatedAt: iso(consent.sms?.consent_updated_at),
					marketingCollectedFrom: up(consent.sms?.consent_collected_from) ?? null,
				}
			: null,
		defaultAddress: addressFromWebhook(address),
	};
}

// ─── connections, search ───────────────────────────────────────────────────────────────────────────
const cursorOf = (i) => Buffer.from(JSON.stringify({ last: i })).toString('base64');
const indexOf = (cursor) => {
	try {
		return JSON.parse(Buffer.from(String(cursor), 'base64').toString('utf8')).last;
	} catch {
		return -1;
	}
};
function connection(list, args, ctx) {
	let start = args.after ? indexOf(args.after) + 1 : 0;
	if (start < 0) start = 0;
	const first = ctx && ctx.bulk ? list.length : args.first ?? args.last;
	if (!(ctx && ctx.bulk) && (first == null || first < 1 || first > 250)) {
		throw new Error('you must provide one of first or last (at most 250)');
	}
	const slice = list.slice(start, start + first);
	const edges = slice.map((node, i) => ({ cursor: cursorOf(start + i), node }));
	return {
		nodes: slice,
		edges,
		pageInfo: {
			hasNextPage: start + slice.length < list.length,
			hasPreviousPage: start > 0,
			startCursor: edges[0]?.cursor ?? null,
			endCursor: edges[edges.length - 1]?.cursor ?? null,
		},
	};
}

/** Shopify search syntax, the part used here: `updated_at:>'…' AND created_at:<='…'`. */
function searchFilter(query) {
	if (!query) return () => true;
	const terms = String(query)
		.split(/\s+AND\s+/i)
		.map((t) => t.trim())
		.filter(Boolean)
		.map((term) => {
			const m = /^(updated_at|created_at|id):(>=|<=|>|<)?['"]?([^'"]+)['"]?$/.exec(term);
			if (!m) throw new Error(`unsupported search term: ${term}`);
			const [, field, op = '=', raw] = m;
			const key = field === 'updated_at' ? 'updatedAt' : field === 'created_at' ? 'createdAt' : 'id';
			const value = key === 'id' ? Number(raw) : Date.parse(raw);
			return (o) => {
				const v = key === 'id' ? Number(numericId(o.id)) : Date.parse(o[key]);
				return op === '>' ? v > value : op === '>=' ? v >= value : op === '<' ? v < value : op === '<=' ? v <= value : v === value;
			};
		});
	return (o) => terms.every((t) => t(o));
}
function listOf(map, args) {
	const key = { UPDATED_AT: 'updatedAt', CREATED_AT: 'createdAt' }[args.sortKey] ?? 'id';
	const cmp = key === 'id' ? (a, b) => (BigInt(numericId(a.id)) < BigInt(numericId(b.id)) ? -1 : 1) : (a, b) => Date.parse(a[key]) - Date.parse(b[key]) || (BigInt(numericId(a.id)) < BigInt(numericId(b.id)) ? -1 : 1);
	const list = [...map.values()].filter(searchFilter(args.query)).sort(cmp);
	return args.reverse ? list.reverse() : list;
}

/** The resolver view of a stored order/customer: connection and list fields take their arguments. */
function orderView(o) {
	return {
		...o,
		lineItems: (args, ctx) => connection(o._lineItems, args, ctx),
		fulfillments: (args) => o._fulfillments.slice(0, args.first ?? o._fulfillments.length).map((f) => ({ ...f, trackingInfo: (a) => f._trackingInfo.slice(0, a.first ?? f._trackingInfo.length) })),
		refunds: (args) => o._refunds.slice(0, args.first ?? o._refunds.length).map((r) => ({ ...r, refundLineItems: (a, ctx) => connection(r._refundLineItems, a, ctx) })),
	};
}

// ─── query cost (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits) ───────────────
function argValue(arg, variables) {
	if (!arg) return undefined;
	if (arg.value.kind === Kind.VARIABLE) return variables[arg.value.name.value];
	if (arg.value.kind === Kind.INT) return Number(arg.value.value);
	return undefined;
}
function requestedCost(selectionSet, variables, fragments) {
	if (!selectionSet) return 0;
	let total = 0;
	for (const sel of selectionSet.selections) {
		if (sel.kind === Kind.FRAGMENT_SPREAD) {
			total += requestedCost(fragments[sel.name.value].selectionSet, variables, fragments);
			continue;
		}
		if (sel.kind === Kind.INLINE_FRAGMENT) {
			total += requestedCost(sel.selectionSet, variables, fragments);
			continue;
		}
		if (!sel.selectionSet || sel.name.value === 'pageInfo') continue; // scalars and enums cost 0
		const first = argValue((sel.arguments || []).find((a) => a.name.value === 'first' || a.name.value === 'last'), variables);
		if (first !== undefined) {
			// a connection (or a paginated list): 2 + first × the cost of one node
			let nodeCost = 0;
			for (const inner of sel.selectionSet.selections) {
				if (inner.kind !== Kind.FIELD) continue;
				if (inner.name.value === 'nodes') nodeCost = Math.max(nodeCost, 1 + requestedCost(inner.selectionSet, variables, fragments));
				else if (inner.name.value === 'edges') {
					const node = inner.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === 'node');
					nodeCost = Math.max(nodeCost, 1 + requestedCost(node && node.selectionSet, variables, fragments));
				}
			}
			if (nodeCost === 0) nodeCost = 1 + requestedCost(sel.selectionSet, variables, fragments); // a list of objects
			total += 2 + first * nodeCost;
		} else {
			total += 1 + requestedCost(sel.selectionSet, variables, fragments);
		}
	}
	return total;
}
/** What a result actually cost: one point per object returned (a connection counts 2 + its nodes). */
function actualCost(value) {
	if (Array.isArray(value)) return value.reduce((s, v) => s + actualCost(v), 0);
	if (!value || typeof value !== 'object') return 0;
	let total = 1;
	for (const [k, v] of Object.entries(value)) {
		if (k === 'pageInfo') continue;
		if (k === 'edges' && value.nodes) continue;
		total += actualCost(v);
	}
	return total;
}

// ─── bulk operations: nested connections become their own JSONL lines with __parentId ──────────────
function flattenBulk(rootConnection) {
	const lines = [];
	let roots = 0;
	const walk = (node, parentId) => {
		const line = {};
		const children = [];
		const strip = (obj, out, owner) => {
			for (const [k, v] of Object.entries(obj)) {
				if (v && typeof v === 'object' && !Array.isArray(v) && (Array.isArray(v.edges) || Array.isArray(v.nodes))) {
					for (const child of v.edges ? v.edges.map((e) => e.node) : v.nodes) children.push([child, owner]);
				} else if (Array.isArray(v)) {
					out[k] = v.map((item) => {
						if (!item || typeof item !== 'object') return item;
						const copy = {};
						strip(item, copy, item.id || owner);
						return copy;
					});
				} else if (v && typeof v === 'object') {
					out[k] = {};
					strip(v, out[k], owner);
				} else out[k] = v;
			}
		};
		strip(node, line, node.id);
		if (parentId) line.__parentId = parentId;
		else roots++;
		lines.push(line);
		for (const [child, owner] of children) walk(child, owner);
	};
	const nodes = rootConnection.edges ? rootConnection.edges.map((e) => e.node) : rootConnection.nodes || [];
	for (const node of nodes) walk(node, undefined);
	return { lines, roots };
}

function createFakeShopify(options = {}) {
	const config = {
		accessToken: options.accessToken ?? 'shpat_fake_token',
		shop: options.shop ?? 'demo-store.myshopify.com',
		bucketMax: options.bucketMax ?? 2000,
		restoreRate: options.restoreRate ?? 100,
		throttle: options.throttle !== false,
		bulkDelayMs: options.bulkDelayMs ?? 200,
		latencyMs: options.latencyMs ?? 0,
	};
	const orders = new Map();
	const customers = new Map();
	const bulkOps = new Map();
	const webhooks = new Map();
	let webhookSeq = 0;
	const bulkFiles = new Map();
	let bulkSeq = 0;
	const bucket = { available: config.bucketMax, at: Date.now() };
	const stats = { graphqlCalls: 0, throttled: 0, maxCostExceeded: 0, unauthorized: 0, byOperation: {}, bulkDownloads: 0 };
	let server;
	let baseUrl;

	const refill = () => {
		const now = Date.now();
		bucket.available = Math.min(config.bucketMax, bucket.available + ((now - bucket.at) / 1000) * config.restoreRate);
		bucket.at = now;
	};
	const throttleStatus = () => ({ maximumAvailable: config.bucketMax, currentlyAvailable: Math.floor(bucket.available), restoreRate: config.restoreRate });

	function addOrder(order) {
		const o = order && order.id && String(order.id).startsWith('gid://') && order._lineItems ? order : orderFromWebhook(order);
		orders.set(o.id, o);
		return o;
	}
	function addCustomer(customer, consent) {
		const c = customer && String(customer.id).startsWith('gid://') ? customer : customerFromWebhook(customer, consent);
		customers.set(c.id, c);
		return c;
	}

	function runBulk(op) {
		op.status = 'RUNNING';
		setTimeout(async () => {
			try {
				const result = await execute({ schema: SCHEMA, document: parse(op.query), rootValue: root, contextValue: { bulk: true } });
				if (result.errors) throw new Error(result.errors.map((e) => e.message).join('; '));
				const rootField = Object.keys(result.data)[0];
				const { lines, roots } = flattenBulk(result.data[rootField]);
				const text = lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');
				const n = numericId(op.id);
				bulkFiles.set(n, text);
				Object.assign(op, {
					status: 'COMPLETED',
					objectCount: String(lines.length),
					rootObjectCount: String(roots),
					fileSize: String(Buffer.byteLength(text)),
					url: lines.length ? `${baseUrl}/__bulk/${n}.jsonl` : null,
					completedAt: new Date().toISOString(),
				});
			} catch (error) {
				Object.assign(op, { status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR', completedAt: new Date().toISOString(), _error: error.message });
			}
		}, config.bulkDelayMs);
	}

	const root = {
		shop: () => ({ id: 'gid://shopify/Shop/1', name: 'Demo Store', myshopifyDomain: config.shop, currencyCode: 'USD' }),
		orders: (args, ctx) => {
			const c = connection(listOf(orders, args), args, ctx);
			return { ...c, nodes: c.nodes.map(orderView), edges: c.edges.map((e) => ({ ...e, node: orderView(e.node) })) };
		},
		order: ({ id }) => (orders.has(id) ? orderView(orders.get(id)) : null),
		customers: (args, ctx) => connection(listOf(customers, args), args, ctx),
		customer: ({ id }) => customers.get(id) ?? null,
		bulkOperation: ({ id }) => bulkOps.get(id) ?? null,
		webhookSubscriptions: (args, ctx) => connection([...webhooks.values()], args, ctx),
		webhookSubscriptionCreate: ({ topic, webhookSubscription }) => {
			if (!webhookSubscription.uri) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: "Address can't be blank" }] };
			if ([...webhooks.values()].some((w) => w.topic === topic && w.uri === webhookSubscription.uri)) {
				return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' }] };
			}
			const w = { id: `gid://shopify/WebhookSubscription/${++webhookSeq}`, topic, uri: webhookSubscription.uri, format: webhookSubscription.format || 'JSON', createdAt: new Date().toISOString() };
			webhooks.set(w.id, w);
			return { webhookSubscription: w, userErrors: [] };
		},
		webhookSubscriptionDelete: ({ id }) =>
			webhooks.delete(id) ? { deletedWebhookSubscriptionId: id, userErrors: [] } : { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] },
		currentBulkOperation: () => [...bulkOps.values()].pop() ?? null,
		bulkOperationRunQuery: ({ query }) => {
			let document;
			try {
				document = parse(query);
			} catch (error) {
				return { bulkOperation: null, userErrors: [{ field: ['query'], message: `Invalid bulk query: ${error.message}`, code: 'INVALID' }] };
			}
			const errors = validate(SCHEMA, document);
			if (errors.length) return { bulkOperation: null, userErrors: [{ field: ['query'], message: `Invalid bulk query: ${errors[0].message}`, code: 'INVALID' }] };
			if ([...bulkOps.values()].some((op) => op.status === 'CREATED' || op.status === 'RUNNING')) {
				return { bulkOperation: null, userErrors: [{ field: null, message: 'A bulk query operation for this app and shop is already in progress.', code: 'OPERATION_IN_PROGRESS' }] };
			}
			const op = {
				id: `gid://shopify/BulkOperation/${++bulkSeq}`,
				status: 'CREATED',
				errorCode: null,
				objectCount: '0',
				rootObjectCount: '0',
				fileSize: null,
				url: null,
				partialDataUrl: null,
				query,
				type: 'QUERY',
				createdAt: new Date().toISOString(),
				completedAt: null,
			};
			bulkOps.set(op.id, op);
			const created = { ...op };
			runBulk(op);
			return { bulkOperation: created, userErrors: [] };
		},
	};

	async function graphql(req, res, body) {
		const token = req.headers['x-shopify-access-token'];
		if (config.accessToken && token !== config.accessToken) {
			stats.unauthorized++;
			return send(res, 401, { errors: INVALID_TOKEN });
		}
		stats.graphqlCalls++;
		let payload;
		try {
			payload = JSON.parse(body || '{}');
		} catch {
			return send(res, 400, { errors: [{ message: 'Invalid JSON in request body' }] });
		}
		let document;
		try {
			document = parse(String(payload.query || ''));
		} catch (error) {
			return send(res, 200, { errors: [{ message: error.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] });
		}
		const errors = validate(SCHEMA, document);
		if (errors.length) return send(res, 200, { errors: errors.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) });
		const variables = payload.variables || {};
		const fragments = Object.fromEntries(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
		const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
		const opName = operation.name ? operation.name.value : operation.selectionSet.selections.map((s) => s.name && s.name.value).join(',');
		stats.byOperation[opName] = (stats.byOperation[opName] || 0) + 1;
		const requested = operation.operation === 'mutation' ? 10 : Math.max(1, requestedCost(operation.selectionSet, variables, fragments));
		if (requested > MAX_QUERY_COST) {
			stats.maxCostExceeded++;
			return send(res, 200, {
				errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST } }],
			});
		}
		refill();
		if (config.throttle && requested > bucket.available) {
			stats.throttled++;
			return send(res, 200, {
				errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
				extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() } },
			});
		}
		if (config.throttle) bucket.available -= requested;
		if (config.latencyMs) await new Promise((r) => setTimeout(r, config.latencyMs));
		const result = await execute({ schema: SCHEMA, document, rootValue: root, variableValues: variables, contextValue: { bulk: false } });
		const actual = Math.min(requested, operation.operation === 'mutation' ? 10 : actualCost(result.data));
		if (config.throttle) bucket.available = Math.min(config.bucketMax, bucket.available + (requested - actual));
		const out = {};
		if (result.errors) out.errors = result.errors.map((e) => ({ message: e.message, locations: e.locations, path: e.path }));
		out.data = result.data ?? null;
		out.extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() } };
		return send(res, 200, out);
	}

	function send(res, status, body, type = 'application/json') {
		const text = typeof body === 'string' && type !== 'application/json' ? body : JSON.stringify(body);
		res.writeHead(status, { 'content-type': type });
		res.end(text);
	}

	function summary() {
		return { orders: orders.size, customers: customers.size, webhookSubscriptions: webhooks.size, bulkOperations: bulkOps.size, bucket: throttleStatus(), ...stats, byOperation: { ...stats.byOperation } };
	}

	async function handle(req, res) {
		const chunks = [];
		for await (const c of req) chunks.push(c);
		const body = Buffer.concat(chunks).toString('utf8');
		const url = new URL(req.url, 'http://x');
		if (req.method === 'POST' && /^\/admin\/api\/[^/]+\/graphql\.json$/.test(url.pathname)) return graphql(req, res, body);
		const bulk = /^\/__bulk\/(\d+)\.jsonl$/.exec(url.pathname);
		if (req.method === 'GET' && bulk) {
			if (!bulkFiles.has(bulk[1])) return send(res, 404, 'not found', 'text/plain');
			stats.bulkDownloads++;
			// like the storage Shopify's signed URLs point at: byte ranges (206 / 416), else the whole file
			const file = Buffer.from(bulkFiles.get(bulk[1]), 'utf8');
			const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range || ''));
			if (!range) return send(res, 200, bulkFiles.get(bulk[1]), 'application/jsonl');
			stats.bulkRangeRequests = (stats.bulkRangeRequests || 0) + 1;
			const start = Number(range[1]);
			const end = Math.min(range[2] === '' ? file.length - 1 : Number(range[2]), file.length - 1);
			if (start >= file.length) {
				res.writeHead(416, { 'content-range': `bytes */${file.length}` });
				return res.end();
			}
			res.writeHead(206, { 'content-type': 'application/jsonl', 'content-range': `bytes ${start}-${end}/${file.length}`, 'content-length': end - start + 1 });
			return res.end(file.subarray(start, end + 1));
		}
		if (url.pathname === '/__admin/summary') return send(res, 200, summary());
		if (req.method === 'POST' && url.pathname === '/__admin/reset') {
			orders.clear();
			customers.clear();
			bulkOps.clear();
			bulkFiles.clear();
			Object.assign(stats, { graphqlCalls: 0, throttled: 0, maxCostExceeded: 0, unauthorized: 0, byOperation: {}, bulkDownloads: 0 });
			bucket.available = config.bucketMax;
			return send(res, 200, { ok: true });
		}
		if (req.method === 'POST' && url.pathname === '/__admin/stats/reset') {
			Object.assign(stats, { graphqlCalls: 0, throttled: 0, maxCostExceeded: 0, unauthorized: 0, byOperation: {}, bulkDownloads: 0 });
			return send(res, 200, { ok: true });
		}
		if (req.method === 'POST' && url.pathname === '/__admin/config') {
			const patch = JSON.parse(body || '{}');
			for (const k of ['bucketMax', 'restoreRate', 'throttle', 'bulkDelayMs', 'latencyMs']) if (k in patch) config[k] = patch[k];
			if ('available' in patch) bucket.available = patch.available;
			return send(res, 200, { ...config, accessToken: undefined });
		}
		if (req.method === 'POST' && url.pathname === '/__admin/orders') {
			const list = JSON.parse(body || '[]');
			const added = (Array.isArray(list) ? list : [list]).map((o) => addOrder(o).id);
			return send(res, 200, { added: added.length });
		}
		if (req.method === 'POST' && url.pathname === '/__admin/customers') {
			const list = JSON.parse(body || '[]');
			const added = (Array.isArray(list) ? list : [list]).map((c) => addCustomer(c.customer ?? c, c.consent).id);
			return send(res, 200, { added: added.length });
		}
		return send(res, 404, { errors: 'Not Found' });
	}

	return {
		config,
		orders,
		customers,
		stats,
		summary,
		addOrder,
		addCustomer,
		get url() {
			return baseUrl;
		},
		async start(port = 0, host = '127.0.0.1') {
			server = http.createServer((req, res) =>
				handle(req, res).catch((error) => {
					if (!res.headersSent) send(res, 500, { errors: [{ message: error.message }] });
				}),
			);
			await new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, resolve);
			});
			baseUrl = `http://${host}:${server.address().port}`;
			return { url: baseUrl, port: server.address().port };
		},
		async stop() {
			if (server) await new Promise((resolve) => server.close(resolve));
			server = undefined;
		},
	};
}

/** A few orders and customers updated in the last hour, so a first reconciliation has something to read. */
function seedDemoStore(fake, now = Date.now()) {
	const at = (minutesAgo) => new Date(now - minutesAgo * 60_000).toISOString();
	fake.addCustomer(
		{ id: '7000000000000001', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', phone: '+15550100001', state: 'enabled', verified_email: true, created_at: at(50), updated_at: at(40), default_address: { address1: '1 Loom St', city: 'London', country: 'United Kingdom', country_code: 'GB', zip: 'N1 1AA' } },
		{ email: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: at(40) } },
	);
	for (let i = 1; i <= 3; i++) {
		fake.addOrder({
			id: `8200000000000000${i}`,
			name: `#S${1000 + i}`,
			email: 'ada@example.com',
			currency: 'USD',
			total_price: `${(19.99 * i).toFixed(2)}`,
			created_at: at(30 - i),
			updated_at: at(30 - i),
			customer: { id: '7000000000000001', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
			line_items: [{ id: `8300000000000000${i}`, product_id: '9100000000000001', variant_id: '9200000000000001', sku: 'MUG-1', title: 'Mug', name: 'Mug', price: '19.99', quantity: i }],
		});
	}
}

module.exports = { createFakeShopify, seedDemoStore, orderFromWebhook, customerFromWebhook, flattenBulk, requestedCost, SCHEMA, MAX_QUERY_COST };
