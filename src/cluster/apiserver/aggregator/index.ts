// Aggregated APIs (apiregistration.k8s.io/v1 APIService) for the embedded API server.
export { Aggregator } from './aggregator.ts';
export { ApiServiceAvailability, decideAvailableCondition, type AvailableCondition, type ProbeOutcome } from './availability.ts';
export { readApiService, remoteApiService, aggregatedGroups, compareVersions, URL_ANNOTATION, type ApiServiceEntry, type AggregatedGroup } from './apiservices.ts';
export { resolveBackend, type Backend } from './backend.ts';
export { proxyRequestHeaders, proxyToBackend } from './proxy.ts';
export { withAggregatedGroups, aggregatedApiGroup } from './discovery.ts';
