export * as createEvents from './createEvents';
export * as importProfiles from './importProfiles';
