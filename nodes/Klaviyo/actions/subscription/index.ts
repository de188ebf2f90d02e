export * as subscribe from './subscribe';
export * as unsubscribe from './unsubscribe';
