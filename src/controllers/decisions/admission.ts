// The DataVolume admission decisions (CDI's datavolume-validate.go and datavolume-mutate.go),
// with CDI's messages. Pure: the webhook looks up what these need (the claim of the same name,
// the clone source, the DataSource) and passes it in.

import {
  Annotation, DataVolumeContentType, MiB, RegistryPullMethod, RegistryScheme, dataVolumeSourceKinds, parseQuantity,
  readClaimAnnotations, readDataVolumeAnnotations, withDataVolumeAnnotations,
  type DataSource, type DataVolume, type DataVolumeSource, type DataVolumeSpec,
} from '../../api/index.ts';
import { controllerOf, type ClaimLike } from './claim.ts';
import { claimAdoptionAllowed } from './claim-adoption.ts';

export interface StatusCause {
  type: 'FieldValueInvalid' | 'FieldValueDuplicate' | 'FieldValueNotFound';
  message: string;
  field: string;
}

export type AdmissionDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** metav1.Status message: each cause's message after a space, as CDI joins them. */
      message: string;
      code: 422;
      reason: 'Invalid';
      causes: StatusCause[];
    };

export interface AdmissionContext {
  /** On create: the claim with the DataVolume's name in its namespace, if one exists. */
  existingClaim?: ClaimLike;
  featureGateClaimAdoption: boolean;
  /**
   * On create of a PVC clone (source.pvc, or a sourceRef whose DataSource names a PVC): the
   * source claim, or null when it does not exist (allowed: the clone waits); undefined = not looked up.
   */
  sourceClaim?: ClaimLike | null;
  /** On create with a sourceRef: the DataSource, or null when it does not exist; undefined = not looked up. */
  dataSource?: DataSource | null;
}

/** DNS-1123 subdomain maximum length. */
export const MaxDataVolumeNameLength = 253;
const supportedAccessModes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'];

const invalid = (message: string, field: string): StatusCause => ({ type: 'FieldValueInvalid', message, field });

function reject(causes: StatusCause[]): AdmissionDecision {
  return { allowed: false, message: causes.map((c) => ` ${c.message}`).join(''), code: 422, reason: 'Invalid', causes };
}

/** Import sources whose image size Ferry reads before creating the claim. */
function sizeMayBeDerived(spec: DataVolumeSpec, api: 'PVC' | 'Storage'): boolean {
  const s = spec.source;
  const isImport = !!(s && (s.http || s.s3 || s.gcs || s.registry || s.imageio || s.vddk));
  const isClone = !!(spec.sourceRef || s?.pvc || s?.snapshot);
  return isImport || (api === 'Storage' && isClone);
}

function validateSize(spec: DataVolumeSpec, requests: Record<string, unknown> | undefined, api: 'PVC' | 'Storage'): StatusCause | undefined {
  const field = `spec.${api}.resources.requests.size`;
  const raw = requests?.['storage'];
  if (raw === undefined) return sizeMayBeDerived(spec, api) ? undefined : invalid(`${api} size is missing`, field);
  const size = parseQuantity(String(raw));
  if (size === undefined || size <= 0n) return invalid(`${api} size can't be equal or less than zero`, field);
  // Ferry's rule: a volume smaller than 1 MiB cannot hold a disk image and its alignment.
  if (size < MiB) return invalid(`${api} size must be at least 1Mi`, field);
  return undefined;
}

function validateUrl(url: string | undefined): string | undefined {
  if (!url) return 'source URL is empty';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.startsWith('/') ? `Invalid source URL scheme: ${url}` : `Invalid source URL: ${url}`;
  }
  if (!['http:', 'https:', 'gs:'].includes(parsed.protocol)) return `Invalid source URL scheme: ${url}`;
  return undefined;
}

function validateStorage(spec: DataVolumeSpec): StatusCause | undefined {
  if (!spec.pvc && !spec.storage) return invalid('Missing Data volume PVC', 'spec.PVC');
  if (spec.pvc && spec.storage) {
    return invalid('Duplicate storage definition, both target storage and target pvc defined', 'spec.PVC.Storage');
  }
  if (spec.pvc) {
    const sizeCause = validateSize(spec, spec.pvc.resources?.requests, 'PVC') ?? validateStorageClassName(spec.pvc.storageClassName);
    if (sizeCause) return sizeCause;
    const modes = spec.pvc.accessModes ?? [];
    const field = 'spec.PVC.accessModes';
    if (modes.length === 0) return invalid('Required value: at least 1 access mode is required', field);
    if (modes.length > 1) return invalid('PVC multiple accessModes', field);
    const mode = modes[0] ?? '';
    if (!supportedAccessModes.includes(mode)) {
      return invalid(`Unsupported value: "${mode}": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce"`, field);
    }
    return undefined;
  }
  const storage = spec.storage ?? {};
  const sizeCause = validateSize(spec, storage.resources?.requests, 'Storage');
  if (sizeCause) return sizeCause;
  const classCause = validateStorageClassName(storage.storageClassName);
  if (classCause) return classCause;
  const bad = (storage.accessModes ?? []).find((m) => !supportedAccessModes.includes(m));
  if (bad !== undefined) {
    return invalid(`Unsupported value: "${bad}": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce"`, 'spec.PVC.accessModes');
  }
  return undefined;
}

function validateStorageClassName(name: string | undefined): StatusCause | undefined {
  return name && name.length > MaxDataVolumeNameLength
    ? invalid(`Name cannot be longer than ${MaxDataVolumeNameLength} characters`, '')
    : undefined;
}

type Reference = { apiGroup?: string; kind: string; name: string; namespace?: string };

/** A claim populated by someone else (dataSource/dataSourceRef): CDI's validateExternalPopulation. */
function validateExternalPopulation(spec: DataVolumeSpec, dataSource?: Reference, dataSourceRef?: Reference): StatusCause[] {
  const causes: StatusCause[] = [];
  if (spec.source || spec.sourceRef) causes.push(invalid('External population is incompatible with Source and SourceRef', 'spec.source'));
  if (dataSource && dataSourceRef) {
    const same = dataSource.apiGroup === dataSourceRef.apiGroup && dataSource.kind === dataSourceRef.kind && dataSource.name === dataSourceRef.name;
    if (!same || dataSourceRef.namespace) causes.push(invalid('DataSourceRef and DataSource must match', ''));
  }
  const check = (ref: Reference, what: 'DataSource' | 'DataSourceRef', field: string): void => {
    if (what === 'DataSourceRef' && ref.namespace) causes.push(invalid('Invalid value: DataSourceRef namespace not supported', `${field}.namespace.`));
    if (!ref.name) causes.push(invalid(`Required value: ${what} name`, `${field}.name.`));
    if (!ref.kind) causes.push(invalid(`Required value: ${what} kind`, `${field}.kind`));
    if (!ref.apiGroup && ref.kind !== 'PersistentVolumeClaim') {
      causes.push(invalid(`Required value: ${what} apiGroup when kind is not 'PersistentVolumeClaim'`, `${field}.apiGroup.`));
    }
  };
  if (dataSource) check(dataSource, 'DataSource', 'spec.dataSource');
  if (dataSourceRef) check(dataSourceRef, 'DataSourceRef', 'spec.dataSourceRef');
  return causes;
}

function contentTypeOf(value: string | undefined): string {
  return value === DataVolumeContentType.Archive ? DataVolumeContentType.Archive : DataVolumeContentType.KubeVirt;
}

/** A clone source that does not exist yet is allowed: the clone waits for it (as CDI). */
function validateSourceClaim(spec: DataVolumeSpec, sourceClaim: ClaimLike | null | undefined, field: string): StatusCause | undefined {
  if (!sourceClaim) return undefined;
  const source = contentTypeOf(readClaimAnnotations(sourceClaim).contentType);
  const target = contentTypeOf(spec.contentType);
  if (source !== target) return invalid(`Source contentType (${source}) and target contentType (${target}) do not match`, field);
  return undefined;
}

function validateRegistry(r: NonNullable<DataVolumeSource['registry']>, contentType: string | undefined): StatusCause | undefined {
  if (contentType && contentType !== DataVolumeContentType.KubeVirt) {
    return invalid('ContentType must be kubevirt when Source is Registry', 'spec.contentType');
  }
  if ((r.url === undefined) === (r.imageStream === undefined)) {
    return invalid('Source registry should have either URL or ImageStream', 'spec.source.Registry');
  }
  if (r.url !== undefined) {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(r.url)?.[1];
    if (scheme !== RegistryScheme.Docker && scheme !== RegistryScheme.OciArchive) {
      return invalid(`Illegal registry source URL scheme ${r.url}`, 'spec.source.Registry.URL');
    }
  }
  const method = r.pullMethod as string | undefined;
  if (method !== undefined && method !== RegistryPullMethod.Pod && method !== RegistryPullMethod.Node) {
    return invalid(`ImportMethod ${method} is neither pod, node or ""`, 'spec.source.Registry.importMethod');
  }
  if (r.imageStream === '') return invalid('Source registry ImageStream is not valid', 'spec.source.Registry.importMethod');
  if (r.imageStream !== undefined && method !== RegistryPullMethod.Node) {
    return invalid('Source registry ImageStream is supported only with node pull import method', 'spec.source.Registry.importMethod');
  }
  return undefined;
}

function validateSource(spec: DataVolumeSpec, namespace: string, create: boolean, ctx: AdmissionContext): StatusCause | undefined {
  if (!spec.source === !spec.sourceRef) {
    return invalid('Data volume should have either Source or SourceRef, or be externally populated', 'spec.source');
  }
  if (spec.sourceRef) {
    const ref = spec.sourceRef;
    if (!ref.kind) return invalid('Missing sourceRef kind', 'spec.sourceRef.Kind');
    if (ref.kind !== 'DataSource') {
      return invalid(`Unsupported sourceRef kind ${ref.kind}, currently only DataSource is supported`, 'spec.sourceRef.Kind');
    }
    if (!ref.name) return invalid('Missing sourceRef name', 'spec.sourceRef.Name');
    if (!create || ctx.dataSource === undefined) return undefined;
    const ns = ref.namespace || namespace;
    if (ctx.dataSource === null) {
      return { type: 'FieldValueNotFound', message: `SourceRef ${ref.kind}/${ns}/${ref.name} not found`, field: 'spec.sourceRef' };
    }
    const { pvc, snapshot } = ctx.dataSource.spec.source;
    if (pvc) return validateSourceClaim(spec, ctx.sourceClaim, 'spec.sourceRef');
    if (snapshot) return undefined;
    return invalid(`Empty source field in '${ctx.dataSource.metadata.name ?? ref.name}'. DataSource may not be ready yet`, 'spec.sourceRef');
  }
  const source = spec.source ?? {};
  const present = dataVolumeSourceKinds.filter((k) => source[k] !== undefined && source[k] !== null);
  if (present.length === 0) return invalid('Missing Data volume source', 'spec.source');
  if (present.length > 1) return invalid('Multiple Data volume sources', 'spec.source');

  const contentType = spec.contentType as string | undefined;
  if (contentType && contentType !== DataVolumeContentType.KubeVirt && contentType !== DataVolumeContentType.Archive) {
    return invalid('ContentType not one of: kubevirt, archive', 'spec.contentType');
  }
  const urlCause = (url: string | undefined, kind: string): StatusCause | undefined => {
    const problem = validateUrl(url);
    return problem ? invalid(`spec.source ${problem}`, `spec.source.${kind}.url`) : undefined;
  };
  if (source.http) return urlCause(source.http.url, 'HTTP');
  if (source.s3) return urlCause(source.s3.url, 'S3');
  if (source.gcs) return urlCause(source.gcs.url, 'GCS');
  if (source.blank && contentType === DataVolumeContentType.Archive) {
    return invalid('SourceType cannot be blank and the contentType be archive', 'spec.contentType');
  }
  if (source.registry) return validateRegistry(source.registry, contentType);
  if (source.imageio) {
    const io = source.imageio;
    if (!io.secretRef || !io.certConfigMap || !io.diskId) return invalid('spec.source.Imageio source Imageio is not valid', 'spec.source.Imageio');
    return urlCause(io.url, 'ImageIO');
  }
  const vddk = source.vddk;
  if (vddk) {
    if (!vddk.secretRef || !vddk.uuid || !vddk.backingFile || !vddk.thumbprint) {
      return invalid('spec.source.VDDK source VDDK is not valid', 'spec.source.VDDK');
    }
    return urlCause(vddk.url, 'VDDK');
  }
  if (source.pvc) {
    if (!source.pvc.namespace || !source.pvc.name) return invalid('spec.source.PVC source PVC is not valid', 'spec.source.PVC');
    if (create) return validateSourceClaim(spec, ctx.sourceClaim, 'spec.source.PVC');
  }
  if (source.snapshot && (!source.snapshot.namespace || !source.snapshot.name)) {
    return invalid('spec.source.Snapshot source snapshot is not valid', 'spec.source.Snapshot');
  }
  return undefined;
}

/**
 * A spec as Go's semantic equality sees it after decoding into CDI's structs: key order,
 * absent vs null vs empty lists, zero values of plain (non-pointer) fields, and quantity
 * spellings ("1Gi" = "1024Mi") make no difference.
 */
function canonical(spec: DataVolumeSpec): string {
  const plainZero: Record<string, unknown> = { finalCheckpoint: false, contentType: '', priorityClassName: '' };
  const walk = (value: unknown, path: readonly string[]): unknown => {
    if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => walk(v, path));
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => [k, walk(v, [...path, k])] as const)
        .filter(([k, v]) => v !== undefined && !(path.length === 0 && k in plainZero && plainZero[k] === v))
        .sort(([a], [b]) => a.localeCompare(b));
      return Object.fromEntries(entries);
    }
    const parent = path[path.length - 2];
    if ((parent === 'requests' || parent === 'limits') && (typeof value === 'string' || typeof value === 'number')) {
      return parseQuantity(String(value))?.toString() ?? value;
    }
    return value;
  };
  return JSON.stringify(walk(spec, []));
}

function specChangeAllowed(dv: DataVolume, old: DataVolume): boolean {
  if (canonical(dv.spec) === canonical(old.spec)) return true;
  // Multi-stage imports (VDDK, ImageIO) receive new checkpoints and finalCheckpoint over time.
  const multiStage = (dv.spec.checkpoints?.length ?? 0) > 0 && !!(dv.spec.source?.vddk || dv.spec.source?.imageio);
  if (!multiStage) return false;
  const strip = (spec: DataVolumeSpec): DataVolumeSpec => ({ ...spec, checkpoints: undefined, finalCheckpoint: undefined });
  return canonical(strip(dv.spec)) === canonical(strip(old.spec));
}

/** Whether an existing claim of the DataVolume's name may back it (else "already exists"). */
function claimUsable(dv: DataVolume, claim: ClaimLike, gate: boolean): boolean {
  if (readClaimAnnotations(claim).populatedFor === dv.metadata.name) return true;
  if (controllerOf(claim)?.kind === 'DataVolume') return true;
  return claimAdoptionAllowed(dv, gate);
}

/**
 * Admit or reject a DataVolume create (`old` undefined) or update, in CDI's order: spec
 * immutability, name length, the existing claim, then the spec itself.
 */
export function validateDataVolume(dv: DataVolume, old: DataVolume | undefined, ctx: AdmissionContext): AdmissionDecision {
  const create = old === undefined;
  if (old && !specChangeAllowed(dv, old)) {
    return reject([{ type: 'FieldValueDuplicate', message: 'Cannot update DataVolume Spec', field: 'DataVolume.Spec' }]);
  }
  const name = dv.metadata.name ?? '';
  if (name.length > MaxDataVolumeNameLength) {
    return reject([invalid(`Name cannot be longer than ${MaxDataVolumeNameLength} characters`, '')]);
  }
  const namespace = dv.metadata.namespace ?? '';
  if (create && ctx.existingClaim && !claimUsable(dv, ctx.existingClaim, ctx.featureGateClaimAdoption)) {
    const claimNs = ctx.existingClaim.metadata?.namespace ?? namespace;
    return reject([{
      type: 'FieldValueDuplicate',
      message: `Destination PVC ${claimNs}/${ctx.existingClaim.metadata?.name ?? name} already exists`,
      field: 'DataVolume.Name',
    }]);
  }
  const storageCause = validateStorage(dv.spec);
  if (storageCause) return reject([storageCause]);
  const target = dv.spec.pvc ?? dv.spec.storage;
  if (target?.dataSource || target?.dataSourceRef) {
    const causes = validateExternalPopulation(dv.spec, target.dataSource, target.dataSourceRef);
    return causes.length > 0 ? reject(causes) : { allowed: true };
  }
  const cause = validateSource(dv.spec, namespace, create, ctx);
  return cause ? reject([cause]) : { allowed: true };
}

export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export interface DefaultingContext {
  /** CDIConfig's dataVolumeTTLSeconds in force; negative disables garbage collection. */
  dataVolumeTTLSeconds: number;
}

const pointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The mutating webhook's defaults, as a new object and the JSON patch that produces it:
 * when garbage collection is on, mark the DataVolume `storage.deleteAfterCompletion: "true"`
 * unless it already says true or false; a clone source without a namespace means the DataVolume's own.
 */
export function defaultDataVolume(dv: DataVolume, ctx: DefaultingContext): { dv: DataVolume; patch: JsonPatchOperation[] } {
  const patch: JsonPatchOperation[] = [];
  let out: DataVolume = structuredClone(dv);
  const deleteAfterCompletion = readDataVolumeAnnotations(dv).deleteAfterCompletion;
  if (ctx.dataVolumeTTLSeconds >= 0 && deleteAfterCompletion === undefined) {
    const key = Annotation.DeleteAfterCompletion;
    out = withDataVolumeAnnotations(out, { deleteAfterCompletion: true });
    if (!dv.metadata.annotations) patch.push({ op: 'add', path: '/metadata/annotations', value: { [key]: 'true' } });
    else patch.push({ op: 'add', path: `/metadata/annotations/${pointer(key)}`, value: 'true' });
  }
  const ns = dv.metadata.namespace;
  for (const kind of ['pvc', 'snapshot'] as const) {
    const ref = out.spec.source?.[kind];
    if (ref && !ref.namespace && ns) {
      ref.namespace = ns;
      patch.push({ op: 'add', path: `/spec/source/${kind}/namespace`, value: ns });
    }
  }
  return { dv: out, patch };
}
