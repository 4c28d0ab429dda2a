// The controller runtime: work queue, reconcile loop, leader election, events, time.
export * from './clock.ts';
export * from './backoff.ts';
export * from './workqueue.ts';
export * from './reconciler.ts';
export * from './leader.ts';
export * from './events.ts';
export * from './manager.ts';
