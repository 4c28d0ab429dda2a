// ObjectMeta validation on create/update (k8s.io/apimachinery/pkg/api/validation/objectmeta.go
// ValidateObjectMetaAccessor, and metav1 validation of labels), with the server's messages.
import type { FieldError } from '../types.ts';
import { forbiddenError, invalidError, requiredError, tooLongError } from './field-errors.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName, isValidPathSegmentPrefix } from './names.ts';
import { isObject } from './resolve.ts';

export type NameValidator = 'dns1123Subdomain' | 'dns1123Label' | 'pathSegment';

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameValidator: NameValidator;
}

/** apimachinery TotalAnnotationSizeLimitB: 256 KiB over all keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/** A ValidateNameFunc; `prefix` is true for generateName, whose trailing '-' is allowed. */
export function validateName(kind: NameValidator, name: string, prefix: boolean): string[] {
  switch (kind) {
    case 'dns1123Subdomain':
      return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
    case 'dns1123Label':
      return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
    case 'pathSegment':
      return prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);
  }
}

/** generateName "foo-" is valid because the server appends random characters. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Validates `metadata` of an object being created or updated. The name is required unless
 * generateName is set (the caller generates the name before storing, as the server does).
 * Map entries are checked in sorted key order so results are stable.
 */
export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions): FieldError[] {
  const errs: FieldError[] = [];
  const m = isObject(meta) ? meta : {};
  const name = str(m['name']);
  const generateName = str(m['generateName']);
  const namespace = str(m['namespace']);

  if (generateName !== '') {
    for (const msg of validateName(opts.nameValidator, generateName, true)) errs.push(invalidError('metadata.generateName', generateName, msg));
  }
  if (name === '') {
    if (generateName === '') errs.push(requiredError('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of validateName(opts.nameValidator, name, false)) errs.push(invalidError('metadata.name', name, msg));
  }
  if (opts.namespaced) {
    if (namespace === '') errs.push(requiredError('metadata.namespace'));
    else for (const msg of isDNS1123Label(namespace)) errs.push(invalidError('metadata.namespace', namespace, msg));
  } else if (namespace !== '') {
    errs.push(forbiddenError('metadata.namespace', 'not allowed on this type'));
  }
  const generation = m['generation'];
  if (typeof generation === 'number' && generation < 0) errs.push(invalidError('metadata.generation', generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m['labels'], 'metadata.labels'));
  errs.push(...validateAnnotations(m['annotations'], 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m['ownerReferences'], 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m['finalizers'], 'metadata.finalizers'));
  return errs;
}

/** metav1validation.ValidateLabels: keys are qualified names, values label values; errors on the map's path. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (!isObject(labels)) return [];
  const errs: FieldError[] = [];
  for (const k of Object.keys(labels).sort()) {
    for (const msg of isQualifiedName(k)) errs.push(invalidError(path, k, msg));
    const v = str(labels[k]);
    for (const msg of isValidLabelValue(v)) errs.push(invalidError(path, v, msg));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (!isObject(annotations)) return [];
  const errs: FieldError[] = [];
  let total = 0;
  for (const k of Object.keys(annotations).sort()) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalidError(path, k, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(str(annotations[k]));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(tooLongError(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const raw of refs) {
    const ref = isObject(raw) ? raw : {};
    const apiVersion = str(ref['apiVersion']);
    const kind = str(ref['kind']);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (version === '') errs.push(invalidError(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(invalidError(`${path}.kind`, kind, 'kind must not be empty'));
    if (str(ref['name']) === '') errs.push(invalidError(`${path}.name`, str(ref['name']), 'name must not be empty'));
    if (str(ref['uid']) === '') errs.push(invalidError(`${path}.uid`, str(ref['uid']), 'uid must not be empty'));
    if (ref['controller'] === true) controllers.push(`${kind}/${str(ref['name'])}`);
  }
  if (controllers.length > 1) {
    errs.push(invalidError(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers[0]} and ${controllers[1]}`));
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  if (!Array.isArray(finalizers)) return [];
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    for (const msg of isQualifiedName(str(f))) errs.push(invalidError(path, str(f), msg));
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalidError(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}
