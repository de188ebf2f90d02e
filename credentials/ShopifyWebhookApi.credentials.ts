import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** Newest stable Shopify Admin API version (Shopify releases quarterly: 2026-01, -04, -07, -10). */
export const SHOPIFY_DEFAULT_API_VERSION = '2026-10';

/**
 * Shopify store credential for the Shopify Webhook Trigger.
 *
 * Not to be confused with n8n's built-in `shopifyApi` / `shopifyAccessTokenApi` /
 * `shopifyOAuth2Api`: this one also carries the webhook signing secret(s).
 */
export class ShopifyWebhookApi implements ICredentialType {
	name = 'shopifyWebhookApi';

	displayName = 'Shopify Webhook API';

	icon: Icon = { light: 'file:../icons/shopify.svg', dark: 'file:../icons/shopify.dark.svg' };

	documentationUrl = 'https://shopify.dev/docs/apps/build/webhooks/subscribe/https';

	properties: INodeProperties[] = [
		{
			displayName: 'Shop Domain',
			name: 'shopDomain',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'your-store.myshopify.com',
			description:
				'Your store\'s permanent *.myshopify.com domain (not a custom domain). Shopify admin → Settings → Domains shows it; it is also in the admin URL.',
		},
		{
			displayName: 'Admin API Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'shpat_…',
			description:
				'Optional. Needed only so the trigger can register its webhooks for you (and for backfills). Shopify admin → Settings → Apps and sales channels → Develop apps → your app → API credentials → Admin API access token (starts with shpat_). Scopes: read_customers, read_orders.',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Used to verify X-Shopify-Hmac-Sha256. For webhooks created by an app: the app\'s API secret key (Develop apps → your app → API credentials). For webhooks created in Settings → Notifications → Webhooks: the key shown there ("Your webhooks will be signed with …").',
		},
		{
			displayName: 'Previous Webhook Signing Secret',
			name: 'previousWebhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. While you rotate the secret, deliveries signed with this older secret are accepted too. Clear it once the rotation is done.',
		},
		{
			displayName: 'Admin API Version',
			name: 'apiVersion',
			type: 'string',
			default: SHOPIFY_DEFAULT_API_VERSION,
			placeholder: SHOPIFY_DEFAULT_API_VERSION,
			description:
				'Shopify Admin API version (YYYY-MM) used for webhook registration and for the payload format of the webhooks it creates',
		},
		{
			displayName: 'Admin API URL',
			name: 'apiUrl',
			type: 'string',
			default: '',
			placeholder: 'https://your-store.myshopify.com',
			description:
				'Optional. Where the Admin API calls go (webhook registration, reconciliation, backfill). Leave empty for https://&lt;Shop Domain&gt;; set it to use a proxy or a sandbox (e.g. this project\'s fake Shopify, http://localhost:5681).',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-Shopify-Access-Token': '={{$credentials.accessToken}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				"={{ $credentials.apiUrl ? $credentials.apiUrl.replace(/\\/+$/, '') : 'https://' + $credentials.shopDomain }}/admin/api/{{$credentials.apiVersion}}",
			url: '/graphql.json',
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: { query: '{ shop { name } }' },
		},
	};
}
