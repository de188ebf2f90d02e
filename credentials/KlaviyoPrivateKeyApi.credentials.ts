import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The Klaviyo API revision sent by default: the revision of the OpenAPI spec every request body is
 * validated against (test/fake-klaviyo/klaviyo-openapi/stable.json, `info.version`; a unit test
 * checks they agree). One constant, one place: the credential's default, the header fallback, the
 * tests, the fake and the scripts all use this value. Users who need another revision set it in
 * the credential's "API Revision" field.
 */
export const KLAVIYO_DEFAULT_REVISION = '2026-07-15';

export const KLAVIYO_DEFAULT_BASE_URL = 'https://a.klaviyo.com';

export class KlaviyoPrivateKeyApi implements ICredentialType {
	name = 'klaviyoPrivateKeyApi';

	displayName = 'Klaviyo Private Key API';

	icon: Icon = { light: 'file:../icons/klaviyo.svg', dark: 'file:../icons/klaviyo.dark.svg' };

	documentationUrl = 'https://developers.klaviyo.com/en/docs/authenticate_';

	properties: INodeProperties[] = [
		{
			displayName: 'Private API Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'pk_…',
			description:
				'Klaviyo → your account (bottom left) → Settings → API keys → Create Private API Key. Give it full or custom access with scopes accounts:read, profiles:read, profiles:write, events:write, subscriptions:write, lists:read, lists:write, data-privacy:write. The key starts with pk_.',
		},
		{
			displayName: 'API Revision',
			name: 'revision',
			type: 'string',
			default: KLAVIYO_DEFAULT_REVISION,
			placeholder: KLAVIYO_DEFAULT_REVISION,
			description:
				`Klaviyo API revision sent in the "revision" header. The default (${KLAVIYO_DEFAULT_REVISION}) is the revision this package's request bodies are validated against; change it only if you know you need another.`,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: KLAVIYO_DEFAULT_BASE_URL,
			description:
				'Where Klaviyo\'s API lives. Change it only to go through a proxy or to a local sandbox (such as the fake Klaviyo this package ships for testing).',
		},
		{
			displayName: 'Processes Sharing the Limits',
			name: 'processesSharingLimits',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 1,
			description:
				'How many n8n processes send with this key at the same time. In queue mode: the number of workers (plus the main process if it runs executions too). Each process paces itself to its share of Klaviyo\'s per-account rate limits (e.g. 2 workers: each 175/s and 1 750/min of the 350/s and 3 500/min for events), and still adapts to Klaviyo\'s RateLimit headers and 429 Retry-After. Leave 1 for a single n8n process.',
		},
	];

	/**
	 * A function, not generic `={{$credentials…}}` headers: n8n evaluates generic authentication as
	 * expressions on every request (in its isolated expression engine), which measurably slows every
	 * execution; this sets the same two headers directly.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		requestOptions.headers = {
			...requestOptions.headers,
			Authorization: `Klaviyo-API-Key ${String(credentials.privateKey ?? '')}`,
			revision: String(credentials.revision || KLAVIYO_DEFAULT_REVISION),
			Accept: 'application/vnd.api+json',
		};
		return requestOptions;
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/accounts/',
			method: 'GET',
		},
	};
}
