// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding.

import type { FieldError, KubeObject } from '../types.ts';
import { invalid, notSupported, required } from './field-errors.ts';
import { defineKind } from './kind-helpers.ts';
import { child, deepEqual, objectAt, objectsAt, setDefault, stringAt } from './object-access.ts';
import { age, ageColumn, column, nameColumn } from './printing.ts';
import type { ResourceType } from './types.ts';

const group = 'rbac.authorization.k8s.io';
const pkg = 'io.k8s.api.rbac.v1';

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject: the apiGroups left implicit. */
function defaultBinding(obj: KubeObject): void {
  setDefault(child(obj, 'roleRef'), 'apiGroup', group);
  for (const subject of objectsAt(obj, 'subjects')) {
    const kind = stringAt(subject, 'kind');
    if (kind === 'ServiceAccount') setDefault(subject, 'apiGroup', '');
    else if (kind === 'User' || kind === 'Group') setDefault(subject, 'apiGroup', group);
  }
}

function validateBinding(allowedRoleKinds: string[]) {
  return (obj: KubeObject, old: KubeObject | undefined): FieldError[] => {
    const errors: FieldError[] = [];
    const roleRef = objectAt(obj, 'roleRef');
    const kind = stringAt(roleRef, 'kind');
    if (!allowedRoleKinds.includes(kind)) errors.push(notSupported('roleRef.kind', kind, allowedRoleKinds));
    if (!stringAt(roleRef, 'name')) errors.push(required('roleRef.name'));
    for (const [i, subject] of objectsAt(obj, 'subjects').entries()) {
      if (!stringAt(subject, 'name')) errors.push(required(`subjects[${i}].name`));
      const subjectKind = stringAt(subject, 'kind');
      if (!['ServiceAccount', 'User', 'Group'].includes(subjectKind)) {
        errors.push(notSupported(`subjects[${i}].kind`, subjectKind, ['ServiceAccount', 'User', 'Group']));
      }
    }
    if (old && !deepEqual(roleRef, objectAt(old, 'roleRef'))) errors.push(invalid('roleRef', roleRef, 'cannot change roleRef'));
    return errors;
  };
}

function bindingCells(obj: KubeObject, now: Date): unknown[] {
  const roleRef = objectAt(obj, 'roleRef');
  const subjects = objectsAt(obj, 'subjects');
  const named = (kind: string): string =>
    subjects.filter((s) => s['kind'] === kind).map((s) => stringAt(s, 'name')).join(', ');
  const serviceAccounts = subjects
    .filter((s) => s['kind'] === 'ServiceAccount')
    .map((s) => `${stringAt(s, 'namespace')}/${stringAt(s, 'name')}`)
    .join(', ');
  return [
    obj.metadata.name ?? '',
    `${stringAt(roleRef, 'kind')}/${stringAt(roleRef, 'name')}`,
    age(obj, now),
    named('User'),
    named('Group'),
    serviceAccounts,
  ];
}

const roleRefDescriptions = {
  RoleBinding:
    'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
  ClusterRoleBinding:
    'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
};

function bindingColumns(kind: keyof typeof roleRefDescriptions) {
  return [
    nameColumn(),
    column('Role', roleRefDescriptions[kind]),
    ageColumn(),
    column('Users', 'Users in the roleBinding', { priority: 1 }),
    column('Groups', 'Groups in the roleBinding', { priority: 1 }),
    column('ServiceAccounts', 'ServiceAccounts in the roleBinding', { priority: 1 }),
  ];
}

export const rbacResources: ResourceType[] = [
  defineKind(group, 'Role', 'roles', `${pkg}.Role`, {}),
  defineKind(group, 'ClusterRole', 'clusterroles', `${pkg}.ClusterRole`, { namespaced: false }),
  defineKind(group, 'RoleBinding', 'rolebindings', `${pkg}.RoleBinding`, {
    defaults: defaultBinding,
    validate: validateBinding(['Role', 'ClusterRole']),
    printerColumns: bindingColumns('RoleBinding'),
    cells: bindingCells,
  }),
  defineKind(group, 'ClusterRoleBinding', 'clusterrolebindings', `${pkg}.ClusterRoleBinding`, {
    namespaced: false,
    defaults: defaultBinding,
    validate: validateBinding(['ClusterRole']),
    printerColumns: bindingColumns('ClusterRoleBinding'),
    cells: bindingCells,
  }),
];
