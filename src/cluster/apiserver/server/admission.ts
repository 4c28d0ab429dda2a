// Admission: the stage between authorization and storage. Mutating plugins run first and may
// change the object; validating plugins then accept it or throw an ApiError. The built-in
// plugins live here; the webhook plugins (admission/) are added to the chain by startApiServer
// after them, in kube-apiserver's order.
import { isDefaultStorageClass } from '../resources/index.ts';
import type { Store } from '../storage/index.ts';
import type { KubeObject } from '../types.ts';
import type { UserInfo } from './auth.ts';
import type { ServedResource } from './registry.ts';
import type { ResourceRequestInfo } from './request-info.ts';
import { ApiError, notFound } from './status.ts';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  info: ResourceRequestInfo;
  served: ServedResource;
  user: UserInfo;
  /** The object to be stored (mutable for mutating plugins); undefined for DELETE. */
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  dryRun: boolean;
  /** Where plugins put warnings for the client (sent as Warning headers); absent: dropped. */
  warnings?: string[];
}

export interface MutatingAdmissionPlugin {
  readonly name: string;
  admit(attrs: AdmissionAttributes): void | Promise<void>;
}

export interface ValidatingAdmissionPlugin {
  readonly name: string;
  validate(attrs: AdmissionAttributes): void | Promise<void>;
}

export class AdmissionChain {
  readonly mutating: MutatingAdmissionPlugin[] = [];
  readonly validating: ValidatingAdmissionPlugin[] = [];

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.mutating) await plugin.admit(attrs);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.validating) await plugin.validate(attrs);
  }
}

/**
 * NamespaceLifecycle: objects are created only in namespaces that exist and are not being
 * deleted; the immortal namespaces cannot be deleted.
 */
export class NamespaceLifecycle implements ValidatingAdmissionPlugin {
  readonly name = 'NamespaceLifecycle';
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  validate(attrs: AdmissionAttributes): void {
    const { info, served, operation } = attrs;
    if (served.group === '' && served.resource === 'namespaces') {
      if (operation === 'DELETE' && IMMORTAL_NAMESPACES.has(info.name)) {
        throw new ApiError(403, 'Forbidden', `namespaces "${info.name}" is forbidden: this namespace may not be deleted`, {
          name: info.name,
          kind: 'namespaces',
        });
      }
      return;
    }
    if (!served.namespaced || operation !== 'CREATE' || info.subresource !== '') return;
    const namespace = this.#store.get({ resource: 'core/namespaces', namespace: '', name: info.namespace });
    if (namespace === undefined) throw notFound({ group: '', resource: 'namespaces' }, info.namespace);
    if (namespace.metadata.deletionTimestamp !== undefined) {
      const what = served.group === '' ? served.resource : `${served.resource}.${served.group}`;
      const name = attrs.object?.metadata.name ?? attrs.object?.metadata.generateName ?? '';
      throw new ApiError(
        403,
        'Forbidden',
        `${what} "${name}" is forbidden: unable to create new content in namespace ${info.namespace} because it is being terminated`,
        { name, ...(served.group === '' ? {} : { group: served.group }), kind: served.resource, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${info.namespace} is being terminated`, field: 'metadata.namespace' }] },
      );
    }
  }
}

export const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/**
 * DefaultStorageClass: a claim created without spec.storageClassName (absent, not "") gets the
 * default StorageClass, the newest one when several are marked default, as kube-apiserver's
 * admission plugin does.
 */
export class DefaultStorageClass implements MutatingAdmissionPlugin {
  readonly name = 'DefaultStorageClass';
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  admit(attrs: AdmissionAttributes): void {
    if (attrs.operation !== 'CREATE' || attrs.served.storageResource !== 'core/persistentvolumeclaims' || attrs.info.subresource !== '') return;
    const claim = attrs.object;
    if (claim === undefined) return;
    const spec = (claim['spec'] ?? {}) as { storageClassName?: string | null };
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    const defaults = this.#store
      .list('storage.k8s.io/storageclasses')
      .items.filter(isDefaultStorageClass)
      .sort((a, b) => {
        const ta = a.metadata.creationTimestamp ?? '';
        const tb = b.metadata.creationTimestamp ?? '';
        if (ta !== tb) return ta < tb ? 1 : -1;
        return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
      });
    const chosen = defaults[0];
    if (chosen === undefined) return;
    claim['spec'] = { ...spec, storageClassName: chosen.metadata.name };
  }
}
