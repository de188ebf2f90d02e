import { MAPPERS, mapDelivery, SUPPORTED_TOPICS } from '../../../nodes/ShopifyToKlaviyo/mapping';
import { ShopifyWebhookTrigger } from '../../../nodes/ShopifyWebhookTrigger/ShopifyWebhookTrigger.node';
import { COMPLIANCE_TOPICS } from '../../../nodes/ShopifyWebhookTrigger/subscriptions';
import { DEFAULT_TRIGGER_TOPICS, MAPPED_TOPICS, SHOPIFY_TOPICS } from '../../../nodes/shared/topics';
import type { ShopifyTopic } from '../../../nodes/shared/topics';

const topicsParameter = new ShopifyWebhookTrigger().description.properties.find((p) => p.name === 'topics')!;
const optionValues = (topicsParameter.options as Array<{ value: string }>).map((o) => o.value);

describe('one topic table (nodes/shared/topics.ts)', () => {
	it('the trigger offers exactly the topics of the table', () => {
		expect([...optionValues].sort()).toEqual(SHOPIFY_TOPICS.map((t) => t.topic).sort());
	});

	it('the trigger subscribes by default only to the topics the mapper turns into Klaviyo requests', () => {
		expect([...(topicsParameter.default as string[])].sort()).toEqual([...MAPPED_TOPICS].sort());
		expect(DEFAULT_TRIGGER_TOPICS).toEqual(MAPPED_TOPICS);
		expect(topicsParameter.default).not.toContain('orders/paid');
		expect(topicsParameter.default).not.toContain('customers/delete');
		expect(topicsParameter.default).toContain('customers/redact');
	});

	it('the mapper has a rule for every mapped topic, and only for those', () => {
		expect(Object.keys(MAPPERS).sort()).toEqual([...MAPPED_TOPICS].sort());
		expect([...SUPPORTED_TOPICS].sort()).toEqual([...MAPPED_TOPICS].sort());
	});

	it('topics in the table but not mapped still reach the mapper with a reason (never a silent drop)', () => {
		for (const { topic } of SHOPIFY_TOPICS.filter((t) => !t.mapped)) {
			const result = mapDelivery({ topic, payload: { id: 1 } });
			expect(result.requests).toEqual([]);
			expect(result.skipped?.reason).toMatch(new RegExp(topic.replace('/', '\\/')));
		}
		expect(mapDelivery({ topic: 'customers/delete', payload: { id: 1 } }).skipped?.reason).toMatch(/customers\/redact/);
		expect(mapDelivery({ topic: 'orders/paid', payload: { id: 1 } }).skipped?.reason).toMatch(/orders\/create/);
	});

	it('compliance topics in the table are the ones registration skips', () => {
		for (const t of SHOPIFY_TOPICS as readonly ShopifyTopic[]) expect(COMPLIANCE_TOPICS.includes(t.topic)).toBe(t.compliance === true);
	});

	it('options are sorted by name, as n8n lists them', () => {
		const names = (topicsParameter.options as Array<{ name: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});
});
