// Discovery of aggregated groups: /apis lists them after the server's own groups, and
// /apis/<group> is answered by the aggregator itself (as kube-aggregator does); only
// /apis/<group>/<version> and below are proxied.
import type { AggregatedGroup } from './apiservices.ts';

export function groupEntry(group: AggregatedGroup): { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion: { groupVersion: string; version: string } | undefined } {
  const versions = group.versions.map((v) => ({ groupVersion: `${group.name}/${v}`, version: v }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

/** Adds the aggregated groups to a local APIGroupList. */
export function withAggregatedGroups(list: { groups?: unknown[] } & Record<string, unknown>, groups: AggregatedGroup[]): unknown {
  return { ...list, groups: [...(list.groups ?? []), ...groups.map(groupEntry)] };
}

export function aggregatedApiGroup(group: AggregatedGroup): unknown {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) };
}
