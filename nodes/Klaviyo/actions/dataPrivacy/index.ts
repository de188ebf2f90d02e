export * as requestProfileDeletion from './requestProfileDeletion';
