// Schemas of the embedded API server: validation, pruning and defaulting against OpenAPI v3
// structural schemas, ObjectMeta validation, and CustomResourceDefinition checks and defaults.
export { isObject, jsonTypeOf, noRefs, resolveSchema, type SchemaResolver } from './resolve.ts';
export { deepEqual, validateAgainstSchema } from './validate.ts';
export { pruneUnknownFields, strictDecodingError, unknownFieldWarnings } from './prune.ts';
export { applySchemaDefaults } from './defaults.ts';
export {
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  validateAnnotations,
  validateLabels,
  validateName,
  validateObjectMeta,
  type NameValidator,
  type ObjectMetaOptions,
} from './object-meta.ts';
export { simpleJSONPathErrors, validateCustomResourceDefinition } from './crd-validation.ts';
export { acceptCustomResourceDefinitionNames, defaultCustomResourceDefinition } from './crd-defaults.ts';
export { validateStructuralSchema } from './structural.ts';
export { stringMatchesFormat } from './formats.ts';
export {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
} from './names.ts';
export {
  duplicateError,
  forbiddenError,
  formatFieldError,
  goQuote,
  goValue,
  invalidError,
  notFoundError,
  notSupportedError,
  requiredError,
  tooLongError,
  tooManyError,
  typeInvalidError,
} from './field-errors.ts';
