'use strict';
/**
 * Mapping throughput: orders/s for a realistic 5-item order and a 150-item order, and the
 * ratio to JSON.parse of the same payload (the cost n8n already pays to receive it).
 *
 *   npm run build && node bench/mapping.js
 */
const path = require('node:path');

let mapping;
try {
	// BENCH_MAPPING overrides the compiled module path (e.g. a tsc --outDir elsewhere).
	mapping = require(process.env.BENCH_MAPPING || path.resolve(__dirname, '..', 'dist', 'nodes', 'ShopifyToKlaviyo', 'mapping', 'index.js'));
} catch (error) {
	console.error('dist/ not found: run `npm run build` first.\n', error.message);
	process.exit(1);
}

function order(lineCount) {
	const line_items = Array.from({ length: lineCount }, (_, i) => ({
		id: 1000000000000 + i,
		admin_graphql_api_id: `gid://shopify/LineItem/${1000000000000 + i}`,
		product_id: 7000000000 + i,
		variant_id: 8000000000 + i,
		sku: `SKU-${i}`,
		title: `Product ${i}`,
		name: `Product ${i} - Blue / M`,
		variant_title: 'Blue / M',
		vendor: 'Acme',
		price: (10 + (i % 7) + 0.99).toFixed(2),
		price_set: { shop_money: { amount: '10.99', currency_code: 'USD' }, presentment_money: { amount: '10.99', currency_code: 'USD' } },
		quantity: 1 + (i % 3),
		total_discount: '0.00',
		tax_lines: [{ price: '0.88', rate: 0.08, title: 'Tax' }],
		properties: [],
		requires_shipping: true,
		taxable: true,
		grams: 250,
	}));
	const address = { first_name: 'Jane', last_name: 'Doe', address1: '123 Main St', city: 'Anytown', province: 'California', province_code: 'CA', zip: '90210', country: 'United States', country_code: 'US', phone: '+15551234567' };
	return {
		id: 5000000000001,
		name: '#1001',
		order_number: 1001,
		email: 'customer@example.com',
		phone: null,
		created_at: '2024-01-01T10:30:00-05:00',
		currency: 'USD',
		presentment_currency: 'USD',
		total_price: '123.45',
		total_price_set: { shop_money: { amount: '123.45', currency_code: 'USD' }, presentment_money: { amount: '123.45', currency_code: 'USD' } },
		total_discounts: '5.00',
		discount_codes: [{ code: 'WELCOME5', amount: '5.00', type: 'fixed_amount' }],
		source_name: 'web',
		tags: 'vip, newsletter',
		test: false,
		customer: { id: 6000000000001, email: 'customer@example.com', first_name: 'Jane', last_name: 'Doe', default_address: address },
		billing_address: address,
		shipping_address: address,
		line_items,
		refunds: [],
		fulfillments: [],
	};
}

function rate(fn, minMs = 1000) {
	for (let i = 0; i < 200; i++) fn(); // warm up
	let n = 0;
	const start = process.hrtime.bigint();
	let elapsed = 0;
	while (elapsed < minMs) {
		for (let i = 0; i < 100; i++) fn();
		n += 100;
		elapsed = Number(process.hrtime.bigint() - start) / 1e6;
	}
	return (n / elapsed) * 1000;
}

for (const lines of [5, 150]) {
	const text = JSON.stringify(order(lines));
	const payload = JSON.parse(text);
	const delivery = { topic: 'orders/create', shop: 'bench.myshopify.com', idempotencyKey: 'bench', payload };
	const mapped = mapping.mapDelivery(delivery).requests;
	// a bulk.createEvents request (orders above the Bulk Ordered Product threshold) carries many events
	const eventsIn = (r) =>
		r.operation === 'bulk.createEvents'
			? r.body.data.attributes['events-bulk-create'].data.reduce((n, g) => n + g.attributes.events.data.length, 0)
			: 1;
	const events = `${mapped.reduce((n, r) => n + eventsIn(r), 0)} events in ${mapped.length} requests`;
	const mapRate = rate(() => mapping.mapDelivery(delivery));
	const parseRate = rate(() => JSON.parse(text));
	console.log(
		`${String(lines).padStart(3)} line items (${(text.length / 1024).toFixed(1)} KiB, ${events}): ` +
			`${Math.round(mapRate).toLocaleString('en-US')} orders/s mapped, ` +
			`${Math.round(parseRate).toLocaleString('en-US')} JSON.parse/s, ` +
			`mapping costs ${(parseRate / mapRate).toFixed(2)}× a JSON.parse of the payload`,
	);
}
