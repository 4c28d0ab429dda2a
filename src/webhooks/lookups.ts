// AdmissionLookups over the API (client-node): the webhook reads the claim, the DataSource and
// the settings at admission time, so its answer reflects the cluster now, not a cache.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { CDIConfigName, type CDI, type CDIConfig, type DataSource } from '../api/index.ts';
import { orUndefined } from '../kube/errors.ts';
import { effectiveSettings } from '../controllers/settings.ts';
import type { AdmissionLookups } from './admission-review.ts';

const group = 'cdi.kubevirt.io';
const version = 'v1beta1';

export function apiAdmissionLookups(kubeConfig: KubeConfig, cdiObjectName: string): AdmissionLookups {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    claim: (namespace, name) => orUndefined(core.readNamespacedPersistentVolumeClaim({ namespace, name })),
    dataSource: async (namespace, name) =>
      (await orUndefined(custom.getNamespacedCustomObject({ group, version, plural: 'datasources', namespace, name }))) as DataSource | undefined,
    settings: async () => {
      const [cdi, config] = await Promise.all([
        orUndefined(custom.getClusterCustomObject({ group, version, plural: 'cdis', name: cdiObjectName })) as Promise<CDI | undefined>,
        orUndefined(custom.getClusterCustomObject({ group, version, plural: 'cdiconfigs', name: CDIConfigName })) as Promise<CDIConfig | undefined>,
      ]);
      const { settings } = effectiveSettings(cdi, config, []);
      return { claimAdoptionGate: settings.dataVolumeClaimAdoption, dataVolumeTTLSeconds: settings.dataVolumeTTLSeconds };
    },
  };
}
