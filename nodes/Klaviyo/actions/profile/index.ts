export * as createOrUpdate from './createOrUpdate';
