export { collect } from './collect.ts';
export { cleanse } from './cleanse.ts';
