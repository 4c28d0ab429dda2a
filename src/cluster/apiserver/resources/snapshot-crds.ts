// The CRDs a real cluster installs next to the built-in kinds for volume snapshots: the
// snapshot.storage.k8s.io/v1 VolumeSnapshot, VolumeSnapshotContent and VolumeSnapshotClass of
// kubernetes-csi/external-snapshotter v8 (data files in snapshot-crds/). The server installs
// them at first start.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from '../types.ts';

const crdFiles = ['volumesnapshotclasses.yaml', 'volumesnapshots.yaml', 'volumesnapshotcontents.yaml'];

/** Fresh copies on every call: callers may mutate what they get. */
export function builtinCustomResourceDefinitions(): KubeObject[] {
  return crdFiles.map((file) => parse(readFileSync(new URL(`./snapshot-crds/${file}`, import.meta.url), 'utf8')) as KubeObject);
}
