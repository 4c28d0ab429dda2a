// What the server fills in on a CustomResourceDefinition: v1 defaulting
// (SetDefaults_CustomResourceDefinition: singular, listKind, conversion None, storedVersions)
// and what its naming and establishing controllers write to status once the names are accepted.
import type { KubeObject } from '../types.ts';
import { isObject } from './resolve.ts';

const rec = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

/** Applies the v1 defaults in place. Idempotent. */
export function defaultCustomResourceDefinition(crd: KubeObject): void {
  const spec = rec(crd['spec']);
  crd['spec'] = spec;
  const names = rec(spec['names']);
  spec['names'] = names;
  const kind = typeof names['kind'] === 'string' ? names['kind'] : '';
  if (typeof names['singular'] !== 'string' || names['singular'] === '') names['singular'] = kind.toLowerCase();
  if ((typeof names['listKind'] !== 'string' || names['listKind'] === '') && kind !== '') names['listKind'] = `${kind}List`;
  if (!isObject(spec['conversion'])) spec['conversion'] = { strategy: 'None' };
  const webhook = rec(rec(spec['conversion'])['webhook']);
  const service = rec(rec(webhook['clientConfig'])['service']);
  if (isObject(rec(webhook['clientConfig'])['service']) && service['port'] === undefined) service['port'] = 443;
  const status = rec(crd['status']);
  crd['status'] = status;
  const stored = Array.isArray(status['storedVersions']) ? status['storedVersions'] : [];
  if (stored.length === 0) {
    const storage = (Array.isArray(spec['versions']) ? spec['versions'] : []).map(rec).find((v) => v['storage'] === true);
    status['storedVersions'] = storage !== undefined ? [storage['name']] : [];
  }
}

/**
 * Status as a real server shows it after accepting a new CRD's names (no conflicts): acceptedNames
 * copied from spec.names, conditions NamesAccepted and Established, in that order.
 */
export function acceptCustomResourceDefinitionNames(crd: KubeObject, now: Date): void {
  const names = rec(rec(crd['spec'])['names']);
  const status = rec(crd['status']);
  crd['status'] = status;
  const accepted: Record<string, unknown> = { plural: names['plural'], singular: names['singular'] };
  for (const k of ['shortNames', 'kind', 'listKind', 'categories']) if (names[k] !== undefined) accepted[k] = names[k];
  status['acceptedNames'] = accepted;
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  status['conditions'] = [
    { type: 'NamesAccepted', status: 'True', lastTransitionTime: time, reason: 'NoConflicts', message: 'no conflicts found' },
    { type: 'Established', status: 'True', lastTransitionTime: time, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
  ];
  if (!Array.isArray(status['storedVersions'])) status['storedVersions'] = [];
}
