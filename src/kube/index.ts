// The thin adapter over @kubernetes/client-node: typed errors, patch formats, an informer that
// restarts, kubeconfig loading. Nothing else in Ferry talks to the API server another way.
export * from './errors.ts';
export * from './patch.ts';
export * from './informer.ts';
export * from './config.ts';
