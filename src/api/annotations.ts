// The one typed codec for annotations. Reconcilers, webhooks and workers never parse raw
// annotation strings: they call read*Annotations and get booleans, numbers and enums, and they
// write through with*Annotations, which formats values the way CDI does.
//
// Parsing contract: booleans follow Go's strconv.ParseBool (CDI parses them so); a value that
// does not parse reads as `undefined`, never as a guess. Where CDI compares a string to "true"
// exactly (default StorageClass markers), the codec does the same.

import { Annotation } from './annotation-keys.ts';
import type { ConditionStatus, HasMetadata } from './meta.ts';
import { PodPhase } from './phases.ts';
import { DataVolumeContentType } from './types/datavolume.ts';
import type { CloneStrategy } from './types/storage-profile.ts';

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool; `undefined` for absent or malformed values. */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (GO_TRUE.has(value)) return true;
  if (GO_FALSE.has(value)) return false;
  return undefined;
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

/** CDI reads a condition annotation case-insensitively: true, false, anything else = Unknown. */
function conditionStatusOf(value: string): ConditionStatus {
  const lower = value.toLowerCase();
  if (lower === 'true') return 'True';
  if (lower === 'false') return 'False';
  return 'Unknown';
}

function annotationsOf(obj: HasMetadata | undefined): Record<string, string> {
  return obj?.metadata?.annotations ?? {};
}

export interface DataVolumeAnnotations {
  /** undefined when not annotated: then the feature gate decides. */
  allowClaimAdoption: boolean | undefined;
  /** The name of the pre-populated claim, when annotated. */
  prePopulated: string | undefined;
  /** undefined when absent; false only for a parseable "false". */
  deleteAfterCompletion: boolean | undefined;
  usePopulator: boolean | undefined;
  immediateBinding: boolean;
  retainPodAfterCompletion: boolean;
  checkStaticVolume: boolean;
  cloneToken: string | undefined;
}

export function readDataVolumeAnnotations(dv: HasMetadata | undefined): DataVolumeAnnotations {
  const a = annotationsOf(dv);
  return {
    allowClaimAdoption: parseGoBool(a[Annotation.AllowClaimAdoption]),
    prePopulated: a[Annotation.PrePopulated],
    deleteAfterCompletion: parseGoBool(a[Annotation.DeleteAfterCompletion]),
    usePopulator: parseGoBool(a[Annotation.UsePopulator]),
    immediateBinding: parseGoBool(a[Annotation.ImmediateBinding]) ?? false,
    retainPodAfterCompletion: parseGoBool(a[Annotation.PodRetainAfterCompletion]) ?? false,
    checkStaticVolume: a[Annotation.CheckStaticVolume] !== undefined,
    cloneToken: a[Annotation.CloneToken],
  };
}

/** A condition mirrored onto a claim by the worker-pod watcher (CDI's storage.condition.*). */
export interface ClaimConditionAnnotation {
  status: ConditionStatus;
  reason: string;
  message: string;
}

export interface ClaimAnnotations {
  populatedFor: string | undefined;
  prePopulated: string | undefined;
  createdForDataVolume: string | undefined;
  contentType: DataVolumeContentType | undefined;
  source: string | undefined;
  endpoint: string | undefined;
  importPodName: string | undefined;
  podPhase: PodPhase | undefined;
  podReady: boolean | undefined;
  podRestarts: number | undefined;
  /** false only when the scheduler reported the worker pod unschedulable. */
  podSchedulable: boolean | undefined;
  running: ClaimConditionAnnotation | undefined;
  bound: ClaimConditionAnnotation | undefined;
  uploadRequested: boolean;
  immediateBinding: boolean;
  selectedNode: string | undefined;
  deleteAfterCompletion: boolean | undefined;
  retainPodAfterCompletion: boolean;
  preallocationRequested: boolean | undefined;
  preallocationApplied: boolean | undefined;
  requiresScratch: boolean | undefined;
  requiresDirectIo: boolean | undefined;
  populatorProgress: string | undefined;
  currentCheckpoint: string | undefined;
  previousCheckpoint: string | undefined;
  finalCheckpoint: boolean | undefined;
  priorityClassName: string | undefined;
}

export function readClaimAnnotations(pvc: HasMetadata | undefined): ClaimAnnotations {
  const a = annotationsOf(pvc);
  const condition = (key: string, reasonKey: string, messageKey: string): ClaimConditionAnnotation | undefined => {
    const value = a[key];
    if (value === undefined) return undefined;
    return { status: conditionStatusOf(value), reason: a[reasonKey] ?? '', message: a[messageKey] ?? '' };
  };
  return {
    populatedFor: a[Annotation.PopulatedFor],
    prePopulated: a[Annotation.PrePopulated],
    createdForDataVolume: a[Annotation.CreatedForDataVolume],
    contentType: oneOf(a[Annotation.ContentType], Object.values(DataVolumeContentType)),
    source: a[Annotation.Source],
    endpoint: a[Annotation.Endpoint],
    importPodName: a[Annotation.ImportPodName],
    podPhase: oneOf(a[Annotation.PodPhase], Object.values(PodPhase)),
    podReady: parseGoBool(a[Annotation.PodReady]),
    podRestarts: parseCount(a[Annotation.PodRestarts]),
    podSchedulable: parseGoBool(a[Annotation.PodSchedulable]),
    running: condition(Annotation.RunningCondition, Annotation.RunningConditionReason, Annotation.RunningConditionMessage),
    bound: condition(Annotation.BoundCondition, Annotation.BoundConditionReason, Annotation.BoundConditionMessage),
    uploadRequested: a[Annotation.UploadRequest] !== undefined,
    immediateBinding: parseGoBool(a[Annotation.ImmediateBinding]) ?? false,
    selectedNode: a[Annotation.SelectedNode] || undefined,
    deleteAfterCompletion: parseGoBool(a[Annotation.DeleteAfterCompletion]),
    retainPodAfterCompletion: parseGoBool(a[Annotation.PodRetainAfterCompletion]) ?? false,
    preallocationRequested: parseGoBool(a[Annotation.PreallocationRequested]),
    preallocationApplied: parseGoBool(a[Annotation.PreallocationApplied]),
    requiresScratch: parseGoBool(a[Annotation.RequiresScratch]),
    requiresDirectIo: parseGoBool(a[Annotation.RequiresDirectIo]),
    populatorProgress: a[Annotation.PopulatorProgress],
    currentCheckpoint: a[Annotation.CurrentCheckpoint],
    previousCheckpoint: a[Annotation.PreviousCheckpoint],
    finalCheckpoint: parseGoBool(a[Annotation.FinalCheckpoint]),
    priorityClassName: a[Annotation.PriorityClassName],
  };
}

export interface StorageClassAnnotations {
  /** `storageclass.kubernetes.io/is-default-class: "true"` (exact, as CDI compares). */
  isDefaultClass: boolean;
  /** `storageclass.kubevirt.io/is-default-virt-class: "true"` (exact). */
  isDefaultVirtClass: boolean;
  cloneStrategy: CloneStrategy | undefined;
}

export function readStorageClassAnnotations(sc: HasMetadata | undefined): StorageClassAnnotations {
  const a = annotationsOf(sc);
  return {
    isDefaultClass: a[Annotation.DefaultStorageClass] === 'true',
    isDefaultVirtClass: a[Annotation.DefaultVirtStorageClass] === 'true',
    cloneStrategy: oneOf(a[Annotation.StorageClassCloneStrategy], ['copy', 'snapshot', 'csi-clone'] as const),
  };
}

/**
 * A write: `undefined` leaves a key alone, `null` removes it, anything else sets it
 * (booleans as "true"/"false", numbers in decimal).
 */
type Write<T> = T | null | undefined;

export interface DataVolumeAnnotationPatch {
  allowClaimAdoption?: Write<boolean>;
  prePopulated?: Write<string>;
  deleteAfterCompletion?: Write<boolean>;
  usePopulator?: Write<boolean>;
  immediateBinding?: Write<boolean>;
  retainPodAfterCompletion?: Write<boolean>;
}

export interface ClaimAnnotationPatch {
  populatedFor?: Write<string>;
  prePopulated?: Write<string>;
  createdForDataVolume?: Write<string>;
  contentType?: Write<DataVolumeContentType>;
  source?: Write<string>;
  endpoint?: Write<string>;
  importPodName?: Write<string>;
  podPhase?: Write<PodPhase>;
  podReady?: Write<boolean>;
  podRestarts?: Write<number>;
  podSchedulable?: Write<boolean>;
  running?: Write<ClaimConditionAnnotation>;
  bound?: Write<ClaimConditionAnnotation>;
  uploadRequested?: Write<boolean>;
  immediateBinding?: Write<boolean>;
  deleteAfterCompletion?: Write<boolean>;
  retainPodAfterCompletion?: Write<boolean>;
  preallocationRequested?: Write<boolean>;
  preallocationApplied?: Write<boolean>;
  requiresScratch?: Write<boolean>;
  requiresDirectIo?: Write<boolean>;
  populatorProgress?: Write<string>;
  priorityClassName?: Write<string>;
}

type Scalar = string | number | boolean;

function applyWrite(target: Record<string, string>, key: string, value: Write<Scalar>): void {
  if (value === undefined) return;
  if (value === null) delete target[key];
  else target[key] = String(value);
}

function applyCondition(
  target: Record<string, string>,
  keys: readonly [string, string, string],
  value: Write<ClaimConditionAnnotation>,
): void {
  if (value === undefined) return;
  const [statusKey, reasonKey, messageKey] = keys;
  if (value === null) {
    for (const k of keys) delete target[k];
    return;
  }
  target[statusKey] = value.status === 'True' ? 'true' : value.status === 'False' ? 'false' : 'unknown';
  target[reasonKey] = value.reason;
  target[messageKey] = value.message;
}

function withAnnotations<T extends HasMetadata>(obj: T, apply: (a: Record<string, string>) => void): T {
  const annotations = { ...annotationsOf(obj) };
  apply(annotations);
  return { ...obj, metadata: { ...(obj.metadata ?? {}), annotations } };
}

/** A copy of the DataVolume with the patch applied to its annotations; the input is not changed. */
export function withDataVolumeAnnotations<T extends HasMetadata>(dv: T, patch: DataVolumeAnnotationPatch): T {
  return withAnnotations(dv, (a) => {
    applyWrite(a, Annotation.AllowClaimAdoption, patch.allowClaimAdoption);
    applyWrite(a, Annotation.PrePopulated, patch.prePopulated);
    applyWrite(a, Annotation.DeleteAfterCompletion, patch.deleteAfterCompletion);
    applyWrite(a, Annotation.UsePopulator, patch.usePopulator);
    applyWrite(a, Annotation.ImmediateBinding, patch.immediateBinding);
    applyWrite(a, Annotation.PodRetainAfterCompletion, patch.retainPodAfterCompletion);
  });
}

/**
 * The annotations a claim patch changes, as a JSON merge patch fragment (null = remove), so a
 * reconciler can PATCH only what it decided without reading the claim's other annotations.
 */
export function claimAnnotationMergePatch(patch: ClaimAnnotationPatch): Record<string, string | null> {
  const after = withClaimAnnotations({ metadata: { annotations: ALL_KEYS_UNTOUCHED } }, patch).metadata?.annotations ?? {};
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(ALL_KEYS_UNTOUCHED)) {
    const value = after[key];
    if (value === undefined) out[key] = null;
    else if (value !== UNTOUCHED) out[key] = value;
  }
  return out;
}

/** A copy of the claim with the patch applied to its annotations; the input is not changed. */
export function withClaimAnnotations<T extends HasMetadata>(pvc: T, patch: ClaimAnnotationPatch): T {
  return withAnnotations(pvc, (a) => {
    applyWrite(a, Annotation.PopulatedFor, patch.populatedFor);
    applyWrite(a, Annotation.PrePopulated, patch.prePopulated);
    applyWrite(a, Annotation.CreatedForDataVolume, patch.createdForDataVolume);
    applyWrite(a, Annotation.ContentType, patch.contentType);
    applyWrite(a, Annotation.Source, patch.source);
    applyWrite(a, Annotation.Endpoint, patch.endpoint);
    applyWrite(a, Annotation.ImportPodName, patch.importPodName);
    applyWrite(a, Annotation.PodPhase, patch.podPhase);
    applyWrite(a, Annotation.PodReady, patch.podReady);
    applyWrite(a, Annotation.PodRestarts, patch.podRestarts);
    applyWrite(a, Annotation.PodSchedulable, patch.podSchedulable);
    applyCondition(
      a,
      [Annotation.RunningCondition, Annotation.RunningConditionReason, Annotation.RunningConditionMessage],
      patch.running,
    );
    applyCondition(a, [Annotation.BoundCondition, Annotation.BoundConditionReason, Annotation.BoundConditionMessage], patch.bound);
    applyWrite(a, Annotation.UploadRequest, patch.uploadRequested === false ? null : patch.uploadRequested);
    applyWrite(a, Annotation.ImmediateBinding, patch.immediateBinding);
    applyWrite(a, Annotation.DeleteAfterCompletion, patch.deleteAfterCompletion);
    applyWrite(a, Annotation.PodRetainAfterCompletion, patch.retainPodAfterCompletion);
    applyWrite(a, Annotation.PreallocationRequested, patch.preallocationRequested);
    applyWrite(a, Annotation.PreallocationApplied, patch.preallocationApplied);
    applyWrite(a, Annotation.RequiresScratch, patch.requiresScratch);
    applyWrite(a, Annotation.RequiresDirectIo, patch.requiresDirectIo);
    applyWrite(a, Annotation.PopulatorProgress, patch.populatorProgress);
    applyWrite(a, Annotation.PriorityClassName, patch.priorityClassName);
  });
}

const UNTOUCHED = '\u0000untouched';
const ALL_KEYS_UNTOUCHED: Record<string, string> = Object.fromEntries(
  Object.values(Annotation).map((key) => [key, UNTOUCHED]),
);
