// Stored objects are deep-frozen so that one instance can be shared by get/list and every
// watcher without copies: a caller that wants to change one clones it first.

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
