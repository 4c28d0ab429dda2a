// Keeps each selector Service's Endpoints (same name) and EndpointSlices (label
// kubernetes.io/service-name, owned by the Service) equal to computeServiceEndpoints; writes only
// what differs, deletes slices no longer wanted, and the Endpoints when the Service is gone.
import type { CoreV1Api, DiscoveryV1Api, V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { kube, orUndefined, toKubeError } from '../../../kube/errors.ts';
import type { ObjectStore } from '../../../kube/informer.ts';
import { splitKey } from '../../../runtime/manager.ts';
import { type Result, done } from '../../../runtime/reconciler.ts';
import { sameStatus } from '../pods/status-compare.ts';
import { computeServiceEndpoints, serviceNameLabel, sliceManagedByLabel, sliceManager } from './endpoints-decide.ts';

export interface EndpointsControllerDeps {
  core: CoreV1Api;
  discovery: DiscoveryV1Api;
  services: ObjectStore<V1Service>;
  pods: ObjectStore<V1Pod>;
  slices: ObjectStore<V1EndpointSlice>;
}

const ignoreNotFound = (err: unknown) => {
  if (toKubeError(err).code !== 'ENOTFOUND') throw err;
};

export async function reconcileServiceEndpoints(deps: EndpointsControllerDeps, key: string): Promise<Result> {
  const { namespace, name } = splitKey(key);
  const service = deps.services.get(name, namespace);
  const owned = deps.slices.list(namespace).filter((s) => s.metadata?.labels?.[serviceNameLabel] === name && s.metadata?.labels?.[sliceManagedByLabel] === sliceManager);
  if (!service || !service.spec?.selector || Object.keys(service.spec.selector).length === 0) {
    // No Service, or one whose endpoints someone else manages.
    if (!service) {
      await deps.core.deleteNamespacedEndpoints({ name, namespace }).catch(ignoreNotFound);
      for (const s of owned) await deps.discovery.deleteNamespacedEndpointSlice({ name: s.metadata?.name ?? '', namespace }).catch(ignoreNotFound);
    }
    return done;
  }
  const desired = computeServiceEndpoints(service, deps.pods.list(namespace));
  await writeEndpoints(deps, service, desired.subsets);
  const ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }];
  for (const slice of desired.slices) {
    const existing = owned.find((s) => s.metadata?.name === slice.name);
    const labels = { ...(service.metadata?.labels ?? {}), [serviceNameLabel]: name, [sliceManagedByLabel]: sliceManager };
    const body = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: slice.name, namespace, labels, ownerReferences }, addressType: slice.addressType, endpoints: slice.endpoints, ports: slice.ports };
    if (!existing) {
      try {
        await kube(deps.discovery.createNamespacedEndpointSlice({ namespace, body: body as V1EndpointSlice }));
      } catch (err) {
        if (toKubeError(err).code !== 'EEXISTS') throw err;
        const current = await kube(deps.discovery.readNamespacedEndpointSlice({ name: slice.name, namespace }));
        await kube(deps.discovery.replaceNamespacedEndpointSlice({ name: slice.name, namespace, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } } as V1EndpointSlice }));
      }
    } else if (!sameStatus({ e: existing.endpoints ?? [], p: existing.ports ?? [], l: existing.metadata?.labels }, { e: slice.endpoints, p: slice.ports, l: labels })) {
      await kube(deps.discovery.replaceNamespacedEndpointSlice({ name: slice.name, namespace, body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } } as V1EndpointSlice }));
    }
  }
  for (const s of owned) {
    if (!desired.slices.some((d) => d.name === s.metadata?.name)) await deps.discovery.deleteNamespacedEndpointSlice({ name: s.metadata?.name ?? '', namespace }).catch(ignoreNotFound);
  }
  return done;
}

async function writeEndpoints(deps: EndpointsControllerDeps, service: V1Service, subsets: unknown[]): Promise<void> {
  const name = service.metadata?.name ?? '';
  const namespace = service.metadata?.namespace ?? '';
  const labels = { ...(service.metadata?.labels ?? {}) };
  const current = await orUndefined(deps.core.readNamespacedEndpoints({ name, namespace }));
  const body = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets };
  if (!current) {
    try {
      await kube(deps.core.createNamespacedEndpoints({ namespace, body: body as never }));
    } catch (err) {
      if (toKubeError(err).code !== 'EEXISTS') throw err;
      throw Object.assign(new Error(`endpoints ${namespace}/${name} appeared meanwhile; retrying`), { code: 'ECONFLICT' });
    }
    return;
  }
  if (sameStatus(current.subsets ?? [], subsets) && sameStatus(current.metadata?.labels ?? {}, labels)) return;
  await kube(deps.core.replaceNamespacedEndpoints({ name, namespace, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } } as never }));
}
