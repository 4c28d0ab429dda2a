// The patch formats and server-side apply of the embedded API server. All functions are pure:
// they never mutate their inputs, and time comes in as `now`.

export { PatchError, patchErrorStatus, type PatchErrorCode } from './errors.ts';
export { applyMergePatch } from './merge-patch.ts';
export { applyJsonPatch } from './json-patch.ts';
export { applyStrategicMergePatch } from './strategic-merge-patch.ts';
export {
  serverSideApply,
  trackUpdate,
  type ApplyConflict,
  type ServerSideApplyInput,
  type ServerSideApplyResult,
  type TrackUpdateInput,
} from './server-side-apply.ts';
export { computeFieldSet, compareTyped, type Comparison } from './typed-fieldset.ts';
export {
  fieldSetToFieldsV1,
  fieldsV1ToFieldSet,
  fieldPathToString,
  memberPaths,
  hasPath,
  unionFieldSets,
  differenceFieldSets,
  intersectFieldSets,
  type FieldSet,
  type FieldPath,
  type PathElement,
} from './fieldset.ts';
export { deref, listKind, type SchemaResolver, type ListKind } from './schema-lookup.ts';
