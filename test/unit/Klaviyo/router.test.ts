import { allOperations, nodeProperties, operationOf, RESOURCES } from '../../../nodes/Klaviyo/actions/router';
import * as createEvent from '../../../nodes/Klaviyo/actions/event/create';

describe('Klaviyo router', () => {
	it('finds each operation from its resource index', () => {
		expect(operationOf('event', 'create')).toBe(createEvent);
		// a subset: adding an operation must not need a change here
		const pairs = allOperations().map(({ resource, operation }) => `${resource}.${operation}`);
		expect(new Set(pairs).size).toBe(pairs.length);
		expect(pairs).toEqual(expect.arrayContaining([
			'mappedRequest.send',
			'profile.createOrUpdate',
			'event.create',
			'subscription.subscribe',
			'subscription.unsubscribe',
			'dataPrivacy.requestProfileDeletion',
			'bulk.createEvents',
			'bulk.importProfiles',
		]));
	});

	it('types the pairs: a wrong resource or operation does not compile (npm run typecheck)', () => {
		// @ts-expect-error 'crate' is not an operation of event
		expect(operationOf('event', 'crate')).toBeUndefined();
		// @ts-expect-error 'events' is not a resource
		expect(() => operationOf('events', 'create')).toThrow();
	});

	it("shows every operation's fields only for that resource and operation", () => {
		const props = nodeProperties();
		for (const { resource, operation, module } of allOperations()) {
			for (const field of module.description) {
				const shown = props.filter((p) => p.name === field.name && p.displayOptions?.show?.operation?.includes(operation));
				expect(shown.some((p) => p.displayOptions?.show?.resource?.includes(resource))).toBe(true);
			}
		}
		const selectors = props.filter((p) => p.name === 'operation');
		expect(selectors.map((p) => p.displayOptions?.show?.resource?.[0])).toEqual(Object.keys(RESOURCES));
		// the default operation is the first in the list the editor shows
		for (const s of selectors) expect(s.default).toBe(s.options?.[0] && 'value' in s.options[0] ? s.options[0].value : undefined);
	});
});
