// What a real kube-apiserver adds to a Pod it admits: the defaults of k8s.io/kubernetes
// pkg/apis/core/v1/defaults.go (SetDefaults_Pod, _PodSpec, _Container, _Probe, volume sources),
// and what the default admission plugins add (ServiceAccount: serviceAccountName "default";
// DefaultTolerationSeconds: not-ready/unreachable tolerations for 300s; Priority: priority 0
// and preemptionPolicy). Not added: the kube-api-access projected token volume.

import { child, isObject, objectsAt, setDefault, stringAt } from './object-access.ts';
import type { JsonObject } from './object-access.ts';

/** Default mode of secret, configMap, downwardAPI and projected volumes: 0644. */
const defaultVolumeMode = 0o644;

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  const httpGet = probe['httpGet'];
  if (isObject(httpGet)) {
    if (!httpGet['path']) httpGet['path'] = '/';
    setDefault(httpGet, 'scheme', 'HTTP');
  }
}

/** Always for `:latest` or an untagged image (no digest), IfNotPresent otherwise. */
export function defaultImagePullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultEnv(container: JsonObject): void {
  for (const env of objectsAt(container, 'env')) {
    const fieldRef = env['valueFrom'] && isObject(env['valueFrom']) ? env['valueFrom']['fieldRef'] : undefined;
    if (isObject(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
  }
}

function defaultContainer(container: JsonObject): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'imagePullPolicy', defaultImagePullPolicy(stringAt(container, 'image')));
  setDefault(container, 'resources', {});
  for (const port of objectsAt(container, 'ports')) setDefault(port, 'protocol', 'TCP');
  defaultProbe(container['livenessProbe']);
  defaultProbe(container['readinessProbe']);
  defaultProbe(container['startupProbe']);
  defaultEnv(container);
  // SetDefaults_Pod: a resource with a limit and no request requests its limit.
  const resources = container['resources'];
  if (isObject(resources) && isObject(resources['limits'])) {
    const limits = resources['limits'];
    if (Object.keys(limits).length > 0) {
      const requests = child(resources, 'requests');
      for (const [name, limit] of Object.entries(limits)) setDefault(requests, name, limit);
    }
  }
}

const volumeSourceKeys = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function defaultVolume(volume: JsonObject): void {
  if (!volumeSourceKeys.some((key) => volume[key] !== undefined && volume[key] !== null)) volume['emptyDir'] = {};
  for (const key of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = volume[key];
    if (isObject(source)) setDefault(source, 'defaultMode', defaultVolumeMode);
  }
  const hostPath = volume['hostPath'];
  if (isObject(hostPath)) setDefault(hostPath, 'type', '');
  const iscsi = volume['iscsi'];
  if (isObject(iscsi)) setDefault(iscsi, 'iscsiInterface', 'default');
}

const defaultTolerations = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

function defaultTolerationSeconds(spec: JsonObject): void {
  const tolerations = objectsAt(spec, 'tolerations');
  for (const wanted of defaultTolerations) {
    const covered = tolerations.some(
      (t) =>
        (t['key'] === wanted.key || (t['key'] === undefined && t['operator'] === 'Exists')) &&
        (t['effect'] === undefined || t['effect'] === '' || t['effect'] === 'NoExecute'),
    );
    if (!covered) tolerations.push({ ...wanted });
  }
  spec['tolerations'] = tolerations;
}

/** Defaults of a PodSpec (also used for pod templates); mutates in place. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const container of objectsAt(spec, key)) defaultContainer(container);
  }
  for (const volume of objectsAt(spec, 'volumes')) defaultVolume(volume);
}

/** Defaults and admission of a Pod object; mutates in place. */
export function defaultPod(pod: JsonObject): void {
  const spec = child(pod, 'spec');
  defaultPodSpec(spec);
  const serviceAccountName = stringAt(spec, 'serviceAccountName') || stringAt(spec, 'serviceAccount') || 'default';
  spec['serviceAccountName'] = serviceAccountName;
  spec['serviceAccount'] = serviceAccountName;
  defaultTolerationSeconds(spec);
  if (!stringAt(spec, 'priorityClassName')) setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
}
