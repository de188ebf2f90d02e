/**
 * GraphQL Admin API documents the reconciliation and backfill send — pure builders, no n8n.
 *
 * Field names follow Shopify's GraphQL Admin API (2025-04 and later: Customer.defaultEmailAddress /
 * defaultPhoneNumber carry the address and its marketing consent; Customer.email / phone are
 * deprecated). The test/fake-shopify server executes them against its schema, so a misspelt field
 * fails the tests as it would fail against Shopify.
 */

/**
 * Objects per page. Shopify refuses a query whose REQUESTED cost (the worst case: every `first`
 * filled) exceeds 1 000 points, and an order page asks for line items, refunds and fulfillments:
 * 4 orders ≈ 920 points requested (far less is charged: unused `first` slots are refunded).
 */
export const DEFAULT_PAGE_SIZE = 4;
export const DEFAULT_CUSTOMER_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 250;
/** Line items per order read with the order; an order with more gets the rest in follow-up pages. */
export const LINE_ITEMS_PER_ORDER = 20;

export interface GraphqlBody {
	query: string;
	variables?: Record<string, unknown>;
}

/** Connection selection: `nodes { … }` for pages, `edges { node { … } }` in bulk operations. */
type Style = 'page' | 'bulk';
// bulk operations read whole connections: their nested connections take no `first`
const connection = (style: Style, args: string, fields: string): string =>
	style === 'bulk' ? ` { edges { node { ${fields} } } }` : `(${args}) { nodes { ${fields} } }`;

const MONEY = 'shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }';
const SHOP_MONEY = 'shopMoney { amount currencyCode }';
const ADDRESS = 'firstName lastName address1 address2 city province provinceCode zip country countryCodeV2 phone';

export function orderSelection(style: Style): string {
	const tn = style === 'bulk' ? '__typename ' : '';
	return [
		'id name email phone createdAt updatedAt processedAt cancelledAt cancelReason closedAt test tags note sourceName',
		'currencyCode presentmentCurrencyCode discountCodes displayFinancialStatus displayFulfillmentStatus',
		`totalPriceSet { ${MONEY} } totalDiscountsSet { ${MONEY} }`,
		'customer { id firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } defaultAddress { ' + ADDRESS + ' } }',
		`billingAddress { ${ADDRESS} } shippingAddress { ${ADDRESS} }`,
		`lineItems${connection(style, `first: ${LINE_ITEMS_PER_ORDER}`, `${tn}id name title variantTitle sku vendor quantity product { id } variant { id } originalUnitPriceSet { ${SHOP_MONEY} }`)}`.replace(
			/\}$/,
			style === 'page' ? ' pageInfo { hasNextPage endCursor } }' : '}',
		),
		'fulfillments(first: 3) { id createdAt status trackingInfo(first: 3) { company number url } }',
		`refunds(first: 2) { id createdAt note totalRefundedSet { ${MONEY} }` +
			` refundLineItems${connection(style, 'first: 5', `${tn}quantity lineItem { id name title sku product { id } variant { id } } subtotalSet { ${SHOP_MONEY} } totalTaxSet { ${SHOP_MONEY} }`)}` +
			' }',
	].join('\n    ');
}

export function customerSelection(): string {
	return [
		'id firstName lastName state verifiedEmail tags note createdAt updatedAt',
		'defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }',
		'defaultPhoneNumber { phoneNumber marketingState marketingOptInLevel marketingUpdatedAt marketingCollectedFrom }',
		`defaultAddress { ${ADDRESS} }`,
	].join('\n    ');
}

/** An ISO 8601 instant as Shopify's search syntax wants it, or an Error naming the field. */
export function searchTime(value: unknown, field: string): string {
	const ms = typeof value === 'string' && value.trim() !== '' ? Date.parse(value) : NaN;
	if (!Number.isFinite(ms)) throw new Error(`${field} must be an ISO 8601 date-time (e.g. 2026-01-01T00:00:00Z), got "${String(value ?? '')}"`);
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Shopify search syntax: `updated_at:>'2026-01-01T00:00:00Z' AND updated_at:<='…'` (either side optional). */
export function searchFilter(field: 'updated_at' | 'created_at', since?: string, until?: string): string {
	const parts: string[] = [];
	if (since) parts.push(`${field}:>'${searchTime(since, 'since')}'`);
	if (until) parts.push(`${field}:<='${searchTime(until, 'until')}'`);
	return parts.join(' AND ');
}

export type Resource = 'orders' | 'customers';

export interface PageArgs {
	since?: string;
	until?: string;
	first?: number;
	after?: string | null;
}

/** One page of orders or customers updated in (since, until], oldest update first. */
export function changedPageQuery(resource: Resource, { since, until, first = DEFAULT_PAGE_SIZE, after = null }: PageArgs): GraphqlBody {
	if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw new Error(`Page Size must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
	const selection = resource === 'orders' ? orderSelection('page') : customerSelection();
	const name = resource === 'orders' ? 'ChangedOrders' : 'ChangedCustomers';
	return {
		query: `query ${name}($first: Int!, $after: String, $query: String) {
  ${resource}(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
    ${selection}
    }
    pageInfo { hasNextPage endCursor }
  }
}`,
		variables: { first, after, query: searchFilter('updated_at', since, until) || null },
	};
}

/** The rest of an order's line items (orders with more than LINE_ITEMS_PER_ORDER lines). */
export function orderLineItemsQuery(orderId: string, after: string): GraphqlBody {
	return {
		query: `query OrderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: 100, after: $after) { nodes { id name title variantTitle sku vendor quantity product { id } variant { id } originalUnitPriceSet { ${SHOP_MONEY} } } pageInfo { hasNextPage endCursor } }
  }
}`,
		variables: { id: orderId, after },
	};
}

/** The query a bulk operation runs: every order/customer created in [since, until]. */
export function bulkExportQuery(resource: Resource, { since, until }: { since?: string; until?: string }): string {
	const filter = searchFilter('created_at', since, until).replace(/:>'/, ":>='");
	const selection = resource === 'orders' ? orderSelection('bulk') : customerSelection();
	const args = filter ? `(query: ${JSON.stringify(filter)}, sortKey: CREATED_AT)` : '(sortKey: CREATED_AT)';
	return `{
  ${resource}${args} {
    edges { node {
    ${selection}
    } }
  }
}`;
}

export function bulkRunMutation(resource: Resource, range: { since?: string; until?: string }): GraphqlBody {
	return {
		query: `mutation RunBulkExport($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status createdAt }
    userErrors { field message code }
  }
}`,
		variables: { query: bulkExportQuery(resource, range) },
	};
}

/** `bulkOperation(id:)` (currentBulkOperation is deprecated since 2026-01). */
export function bulkStatusQuery(id: string): GraphqlBody {
	return {
		query: `query BulkOperationStatus($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt }
}`,
		variables: { id },
	};
}
