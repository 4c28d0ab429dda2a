// Public surface of the embedded API server's storage engine (see store.ts for the contracts).
export { Store } from './store.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
export { repairStore, type RepairResult } from './repair.ts';
export type { StoreEvent, StoreKey, StoreOptions, StoreStats, WatchEventType, WatchOptions } from './types.ts';
