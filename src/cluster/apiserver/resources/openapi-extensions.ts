// The Kubernetes extensions the real OpenAPI spec carries, which @kubernetes/client-node's models
// drop: patch strategies and merge keys (strategic merge patch reads them), list types and map
// keys (server-side apply reads them), atomic structs, and which string maps hold Quantities.
// Hand-written from the Go struct tags and +listType markers of k8s.io/api (1.34); read by
// scripts/gen-openapi.ts. Keys are `<definition name>.<json property>`.

type Extensions = Record<`x-${string}`, unknown>;

const mergeByName: Extensions = { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' };
const mergeByType: Extensions = { 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge' };
const mergeByIp: Extensions = { 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge' };
const conditionsMapByType: Extensions = {
  ...mergeByType,
  'x-kubernetes-list-map-keys': ['type'],
  'x-kubernetes-list-type': 'map',
};
const atomic: Extensions = { 'x-kubernetes-list-type': 'atomic' };

/** A list with a strategic merge key that is also an apply list-map keyed by the same field. */
function mergeMap(key: string, strategy = 'merge'): Extensions {
  return {
    'x-kubernetes-list-map-keys': [key],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': strategy,
  };
}

const core = 'io.k8s.api.core.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const propertyExtensions: Record<string, Extensions> = {
  [`${meta}.ObjectMeta.finalizers`]: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
  [`${meta}.ObjectMeta.ownerReferences`]: {
    'x-kubernetes-list-map-keys': ['uid'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'uid',
    'x-kubernetes-patch-strategy': 'merge',
  },
  [`${meta}.LabelSelector.matchExpressions`]: atomic,
  [`${meta}.LabelSelectorRequirement.values`]: atomic,

  [`${core}.PodSpec.containers`]: mergeMap('name'),
  [`${core}.PodSpec.initContainers`]: mergeMap('name'),
  [`${core}.PodSpec.ephemeralContainers`]: mergeMap('name'),
  [`${core}.PodSpec.imagePullSecrets`]: mergeMap('name'),
  [`${core}.PodSpec.volumes`]: mergeMap('name', 'merge,retainKeys'),
  [`${core}.PodSpec.hostAliases`]: mergeMap('ip'),
  [`${core}.PodSpec.tolerations`]: atomic,
  [`${core}.PodSpec.readinessGates`]: atomic,
  [`${core}.PodSpec.nodeSelector`]: { 'x-kubernetes-map-type': 'atomic' },
  [`${core}.PodSpec.topologySpreadConstraints`]: {
    'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'topologyKey',
    'x-kubernetes-patch-strategy': 'merge',
  },
  [`${core}.PodSpec.resourceClaims`]: {
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-patch-strategy': 'merge,retainKeys',
  },
  [`${core}.PodSpec.schedulingGates`]: {
    ...mergeByName,
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
  },
  [`${core}.PodStatus.conditions`]: conditionsMapByType,
  [`${core}.PodStatus.podIPs`]: mergeMap('ip'),
  [`${core}.PodStatus.hostIPs`]: { ...mergeByIp, 'x-kubernetes-list-type': 'atomic' },
  [`${core}.PodStatus.resourceClaimStatuses`]: {
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-patch-strategy': 'merge,retainKeys',
  },
  [`${core}.Container.env`]: mergeMap('name'),
  [`${core}.Container.envFrom`]: atomic,
  [`${core}.Container.command`]: atomic,
  [`${core}.Container.args`]: atomic,
  [`${core}.Container.volumeMounts`]: mergeMap('mountPath'),
  [`${core}.Container.volumeDevices`]: mergeMap('devicePath'),
  [`${core}.Container.ports`]: {
    'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'containerPort',
    'x-kubernetes-patch-strategy': 'merge',
  },
  [`${core}.Container.resizePolicy`]: atomic,
  [`${core}.EphemeralContainer.env`]: mergeMap('name'),
  [`${core}.EphemeralContainer.envFrom`]: atomic,
  [`${core}.EphemeralContainer.command`]: atomic,
  [`${core}.EphemeralContainer.args`]: atomic,
  [`${core}.EphemeralContainer.volumeMounts`]: mergeMap('mountPath'),
  [`${core}.EphemeralContainer.volumeDevices`]: mergeMap('devicePath'),
  [`${core}.EphemeralContainer.ports`]: {
    'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'containerPort',
    'x-kubernetes-patch-strategy': 'merge',
  },
  [`${core}.EphemeralContainer.resizePolicy`]: atomic,
  [`${core}.PersistentVolumeClaimSpec.accessModes`]: atomic,
  [`${core}.PersistentVolumeClaimStatus.accessModes`]: atomic,
  [`${core}.PersistentVolumeClaimStatus.conditions`]: conditionsMapByType,
  [`${core}.PersistentVolumeSpec.accessModes`]: atomic,
  [`${core}.PersistentVolumeSpec.mountOptions`]: atomic,
  [`${core}.NodeStatus.conditions`]: mergeByType,
  [`${core}.NodeStatus.addresses`]: mergeByType,
  [`${core}.NodeSpec.podCIDRs`]: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
  [`${core}.NodeSpec.taints`]: atomic,
  [`${core}.NodeSelector.nodeSelectorTerms`]: atomic,
  [`${core}.NodeSelectorTerm.matchExpressions`]: atomic,
  [`${core}.NodeSelectorTerm.matchFields`]: atomic,
  [`${core}.NodeSelectorRequirement.values`]: atomic,
  [`${core}.TopologySelectorTerm.matchLabelExpressions`]: atomic,
  [`${core}.TopologySelectorLabelRequirement.values`]: atomic,
  [`${core}.ServiceSpec.ports`]: {
    'x-kubernetes-list-map-keys': ['port', 'protocol'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'port',
    'x-kubernetes-patch-strategy': 'merge',
  },
  [`${core}.ServiceSpec.clusterIPs`]: atomic,
  [`${core}.ServiceSpec.ipFamilies`]: atomic,
  [`${core}.ServiceSpec.externalIPs`]: atomic,
  [`${core}.ServiceSpec.loadBalancerSourceRanges`]: atomic,
  [`${core}.ServiceStatus.conditions`]: {
    'x-kubernetes-list-map-keys': ['type'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'type',
    'x-kubernetes-patch-strategy': 'merge',
  },
  [`${core}.Endpoints.subsets`]: atomic,
  [`${core}.EndpointSubset.addresses`]: atomic,
  [`${core}.EndpointSubset.notReadyAddresses`]: atomic,
  [`${core}.EndpointSubset.ports`]: atomic,
  [`${core}.NamespaceStatus.conditions`]: conditionsMapByType,
  [`${core}.NamespaceSpec.finalizers`]: atomic,
  [`${core}.ServiceAccount.secrets`]: {
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-patch-strategy': 'merge',
  },
  [`${core}.ServiceAccount.imagePullSecrets`]: atomic,

  ['io.k8s.api.discovery.v1.EndpointSlice.endpoints']: atomic,
  ['io.k8s.api.discovery.v1.EndpointSlice.ports']: atomic,
  ['io.k8s.api.discovery.v1.Endpoint.addresses']: { 'x-kubernetes-list-type': 'set' },
  ['io.k8s.api.storage.v1.StorageClass.mountOptions']: atomic,
  ['io.k8s.api.storage.v1.StorageClass.allowedTopologies']: atomic,
  ['io.k8s.api.storage.v1.CSIDriverSpec.volumeLifecycleModes']: { 'x-kubernetes-list-type': 'set' },
  ['io.k8s.api.storage.v1.CSIDriverSpec.tokenRequests']: atomic,
  ['io.k8s.api.storage.v1.CSINodeSpec.drivers']: mergeByName,
  ['io.k8s.api.storage.v1.CSINodeDriver.topologyKeys']: atomic,
  ['io.k8s.api.rbac.v1.Role.rules']: atomic,
  ['io.k8s.api.rbac.v1.ClusterRole.rules']: atomic,
  ['io.k8s.api.rbac.v1.RoleBinding.subjects']: atomic,
  ['io.k8s.api.rbac.v1.ClusterRoleBinding.subjects']: atomic,
  ['io.k8s.api.rbac.v1.AggregationRule.clusterRoleSelectors']: atomic,
  ['io.k8s.api.rbac.v1.PolicyRule.verbs']: atomic,
  ['io.k8s.api.rbac.v1.PolicyRule.apiGroups']: atomic,
  ['io.k8s.api.rbac.v1.PolicyRule.resources']: atomic,
  ['io.k8s.api.rbac.v1.PolicyRule.resourceNames']: atomic,
  ['io.k8s.api.rbac.v1.PolicyRule.nonResourceURLs']: atomic,
  ['io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration.webhooks']: {
    ...mergeByName,
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
  },
  ['io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration.webhooks']: {
    ...mergeByName,
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
  },
  ['io.k8s.api.admissionregistration.v1.MutatingWebhook.rules']: atomic,
  ['io.k8s.api.admissionregistration.v1.ValidatingWebhook.rules']: atomic,
  ['io.k8s.api.admissionregistration.v1.MutatingWebhook.admissionReviewVersions']: atomic,
  ['io.k8s.api.admissionregistration.v1.ValidatingWebhook.admissionReviewVersions']: atomic,
  ['io.k8s.api.admissionregistration.v1.MutatingWebhook.matchConditions']: {
    ...mergeByName,
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
  },
  ['io.k8s.api.admissionregistration.v1.ValidatingWebhook.matchConditions']: {
    ...mergeByName,
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-list-type': 'map',
  },
  ['io.k8s.api.admissionregistration.v1.RuleWithOperations.apiGroups']: atomic,
  ['io.k8s.api.admissionregistration.v1.RuleWithOperations.apiVersions']: atomic,
  ['io.k8s.api.admissionregistration.v1.RuleWithOperations.operations']: atomic,
  ['io.k8s.api.admissionregistration.v1.RuleWithOperations.resources']: atomic,
  ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus.conditions']: conditionsMapByType,
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus.conditions']: {
    'x-kubernetes-list-map-keys': ['type'],
    'x-kubernetes-list-type': 'map',
  },
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus.storedVersions']: atomic,
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec.versions']: atomic,
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames.shortNames']: atomic,
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames.categories']: atomic,
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.required']: atomic,
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.x-kubernetes-list-map-keys']: atomic,
  ['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps.x-kubernetes-validations']: {
    'x-kubernetes-list-map-keys': ['rule'],
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': 'rule',
    'x-kubernetes-patch-strategy': 'merge',
  },
};

/** Structs marked `+structType=atomic` (`x-kubernetes-map-type: atomic` on the definition). */
export const atomicStructs: readonly string[] = [
  `${meta}.LabelSelector`,
  `${core}.ObjectReference`,
  `${core}.LocalObjectReference`,
  `${core}.TypedLocalObjectReference`,
  `${core}.NodeSelector`,
  `${core}.NodeSelectorTerm`,
  `${core}.TopologySelectorTerm`,
  `${core}.ConfigMapKeySelector`,
  `${core}.SecretKeySelector`,
  `${core}.ObjectFieldSelector`,
  `${core}.ResourceFieldSelector`,
  `${core}.SecretReference`,
  `${core}.ConfigMapEnvSource`,
  `${core}.SecretEnvSource`,
  `${core}.EndpointAddress`,
  `${core}.EndpointPort`,
  `${core}.EndpointSubset`,
  `${meta}.OwnerReference`,
];

/**
 * Properties whose values are `resource.Quantity` (client-node types them as plain strings):
 * `<definition>.<property>`, with `map` when the property is a map of quantities.
 */
export const quantityProperties: Record<string, 'map' | 'scalar'> = {
  [`${core}.ResourceRequirements.limits`]: 'map',
  [`${core}.ResourceRequirements.requests`]: 'map',
  [`${core}.VolumeResourceRequirements.limits`]: 'map',
  [`${core}.VolumeResourceRequirements.requests`]: 'map',
  [`${core}.PersistentVolumeSpec.capacity`]: 'map',
  [`${core}.PersistentVolumeClaimStatus.capacity`]: 'map',
  [`${core}.PersistentVolumeClaimStatus.allocatedResources`]: 'map',
  [`${core}.NodeStatus.capacity`]: 'map',
  [`${core}.NodeStatus.allocatable`]: 'map',
  [`${core}.ContainerStatus.allocatedResources`]: 'map',
  [`${core}.PodSpec.overhead`]: 'map',
  [`${core}.EmptyDirVolumeSource.sizeLimit`]: 'scalar',
  [`${core}.ResourceFieldSelector.divisor`]: 'scalar',
  [`${core}.ResourceQuotaStatus.hard`]: 'map',
  ['io.k8s.api.storage.v1.CSINodeDriver.allocatable']: 'map',
};
