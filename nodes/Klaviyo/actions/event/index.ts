export * as create from './create';
