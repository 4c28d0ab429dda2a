// Small cluster-wide kinds: coordination.k8s.io/v1 Lease (leader election), scheduling.k8s.io/v1
// PriorityClass, and the create-only review kinds of authorization.k8s.io/v1 and
// authentication.k8s.io/v1 (their answer is written by the server, not stored).

import type { FieldError, KubeObject } from '../types.ts';
import { forbidden, invalid, required } from './field-errors.ts';
import { defineKind } from './kind-helpers.ts';
import { arrayAt, isObject, objectAt, setDefault, stringAt, stringPath } from './object-access.ts';
import { age, ageColumn, column, nameColumn } from './printing.ts';
import { describe } from './schemas.ts';
import type { ResourceType } from './types.ts';

export const leaseResource = defineKind('coordination.k8s.io', 'Lease', 'leases', 'io.k8s.api.coordination.v1.Lease', {
  printerColumns: [nameColumn(), column('Holder', describe('io.k8s.api.coordination.v1.LeaseSpec', 'holderIdentity')), ageColumn()],
  cells: (obj, now) => [obj.metadata.name ?? '', stringPath(obj, 'spec', 'holderIdentity'), age(obj, now)],
});

const priorityClass = 'io.k8s.api.scheduling.v1.PriorityClass';

export const priorityClassResource = defineKind('scheduling.k8s.io', 'PriorityClass', 'priorityclasses', priorityClass, {
  namespaced: false,
  shortNames: ['pc'],
  defaults: (obj) => setDefault(obj, 'preemptionPolicy', 'PreemptLowerPriority'),
  validate(obj, old) {
    const errors: FieldError[] = [];
    if (typeof obj['value'] !== 'number') errors.push(required('value'));
    if (old && obj['value'] !== old['value']) errors.push(forbidden('value', 'may not be changed in an update.'));
    if (old && obj['preemptionPolicy'] !== old['preemptionPolicy']) {
      errors.push(invalid('preemptionPolicy', obj['preemptionPolicy'], 'field is immutable'));
    }
    return errors;
  },
  printerColumns: [
    nameColumn(),
    column('Value', describe(priorityClass, 'value'), { type: 'integer' }),
    column('Global-Default', describe(priorityClass, 'globalDefault'), { type: 'boolean' }),
    column('PreemptionPolicy', describe(priorityClass, 'preemptionPolicy')),
    ageColumn(),
  ],
  cells: (obj, now) => [
    obj.metadata.name ?? '',
    typeof obj['value'] === 'number' ? obj['value'] : 0,
    obj['globalDefault'] === true,
    stringAt(obj, 'preemptionPolicy'),
    age(obj, now),
  ],
});

/** ValidateSubjectAccessReviewSpec: exactly one of resource/nonResource attributes; a subject. */
function validateAccessReview(self: boolean) {
  return (obj: KubeObject): FieldError[] => {
    const errors: FieldError[] = [];
    const spec = objectAt(obj, 'spec');
    const hasResource = isObject(spec['resourceAttributes']);
    const hasNonResource = isObject(spec['nonResourceAttributes']);
    if (hasResource === hasNonResource) {
      errors.push(
        invalid('spec.resourceAttributes', spec['resourceAttributes'] ?? null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'),
      );
    }
    if (!self && !stringAt(spec, 'user') && arrayAt(spec, 'groups').length === 0) {
      errors.push(invalid('spec.user', '', 'at least one of user or group must be specified'));
    }
    return errors;
  };
}

const createOnly = { verbs: ['create'] };

export const reviewResources: ResourceType[] = [
  defineKind('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews', 'io.k8s.api.authorization.v1.SubjectAccessReview', {
    ...createOnly,
    namespaced: false,
    validate: validateAccessReview(false),
  }),
  defineKind('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', 'io.k8s.api.authorization.v1.SelfSubjectAccessReview', {
    ...createOnly,
    namespaced: false,
    validate: validateAccessReview(true),
  }),
  defineKind('authorization.k8s.io', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', 'io.k8s.api.authorization.v1.LocalSubjectAccessReview', {
    ...createOnly,
    validate(obj) {
      const errors = validateAccessReview(false)(obj);
      const namespace = stringPath(obj, 'spec', 'resourceAttributes', 'namespace');
      if (isObject(objectAt(obj, 'spec')['resourceAttributes']) && namespace !== obj.metadata.namespace) {
        errors.push(invalid('spec.resourceAttributes.namespace', namespace, 'must match metadata.namespace'));
      }
      return errors;
    },
  }),
  defineKind('authentication.k8s.io', 'TokenReview', 'tokenreviews', 'io.k8s.api.authentication.v1.TokenReview', {
    ...createOnly,
    namespaced: false,
    validate: (obj) => (stringPath(obj, 'spec', 'token') ? [] : [required('spec.token')]),
  }),
];
