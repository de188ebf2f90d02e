export * as send from './send';
