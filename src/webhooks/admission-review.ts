// AdmissionReview v1 for DataVolumes: validate (validateDataVolume) and mutate
// (defaultDataVolume, answered as a base64 JSON patch), with CDI's response shapes: a rejection
// is a metav1.Status with code 422, the causes joined into the message each after a space (so
// kubectl shows CDI's "denied the request:  Destination PVC ns/name already exists"), and the
// causes in details. What the decisions need from the cluster comes through AdmissionLookups.
import type { DataSource, DataVolume } from '../api/index.ts';
import {
  defaultDataVolume, validateDataVolume, type AdmissionContext, type ClaimLike,
} from '../controllers/decisions/index.ts';

export interface AdmissionRequest {
  uid: string;
  kind?: { group?: string; version?: string; kind?: string };
  resource?: { group?: string; version?: string; resource?: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; details?: { causes: { type: string; message: string; field: string }[] } };
  patchType?: 'JSONPatch';
  /** base64 of the JSON patch. */
  patch?: string;
}

/** What admission reads from the cluster; each call reads the API (not a cache), as CDI does. */
export interface AdmissionLookups {
  claim(namespace: string, name: string): Promise<ClaimLike | undefined>;
  dataSource(namespace: string, name: string): Promise<DataSource | undefined>;
  settings(): Promise<{ claimAdoptionGate: boolean; dataVolumeTTLSeconds: number }>;
}

export class AdmissionRequestError extends Error {
  readonly code = 'EBADADMISSIONREVIEW';
}

function review(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/** Parses a posted AdmissionReview; throws AdmissionRequestError (answered 400) when malformed. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  const r = body as AdmissionReview | undefined;
  if (!r || typeof r !== 'object' || r.kind !== 'AdmissionReview' || r.apiVersion !== 'admission.k8s.io/v1') {
    throw new AdmissionRequestError('expected an admission.k8s.io/v1 AdmissionReview');
  }
  if (!r.request || typeof r.request.uid !== 'string') throw new AdmissionRequestError('the AdmissionReview has no request.uid');
  return r.request;
}

function isDataVolume(request: AdmissionRequest): boolean {
  return request.resource?.resource === 'datavolumes' || request.kind?.kind === 'DataVolume';
}

function asDataVolume(obj: unknown, request: AdmissionRequest): DataVolume {
  const dv = structuredClone(obj ?? {}) as DataVolume;
  dv.metadata ??= {};
  dv.spec ??= {};
  // On create the name may come only in the request (generateName), the namespace often does.
  if (!dv.metadata.namespace && request.namespace) dv.metadata.namespace = request.namespace;
  if (!dv.metadata.name && request.name) dv.metadata.name = request.name;
  return dv;
}

async function contextFor(dv: DataVolume, create: boolean, lookups: AdmissionLookups): Promise<AdmissionContext> {
  const { claimAdoptionGate } = await lookups.settings();
  const ctx: AdmissionContext = { featureGateClaimAdoption: claimAdoptionGate };
  if (!create) return ctx;
  const namespace = dv.metadata.namespace ?? '';
  const existing = await lookups.claim(namespace, dv.metadata.name ?? '');
  if (existing) ctx.existingClaim = existing;
  const source = dv.spec.source?.pvc;
  if (source?.name) ctx.sourceClaim = (await lookups.claim(source.namespace || namespace, source.name)) ?? null;
  const ref = dv.spec.sourceRef;
  if (ref?.kind === 'DataSource' && ref.name) {
    const ds = await lookups.dataSource(ref.namespace || namespace, ref.name);
    ctx.dataSource = ds ?? null;
    const pvc = ds?.spec.source.pvc;
    if (pvc?.name) ctx.sourceClaim = (await lookups.claim(pvc.namespace || namespace, pvc.name)) ?? null;
  }
  return ctx;
}

export async function validateAdmission(request: AdmissionRequest, lookups: AdmissionLookups): Promise<AdmissionReview> {
  if (!isDataVolume(request) || (request.operation !== 'CREATE' && request.operation !== 'UPDATE')) {
    return review({ uid: request.uid, allowed: true });
  }
  const dv = asDataVolume(request.object, request);
  const old = request.operation === 'UPDATE' ? asDataVolume(request.oldObject, request) : undefined;
  const decision = validateDataVolume(dv, old, await contextFor(dv, old === undefined, lookups));
  if (decision.allowed) return review({ uid: request.uid, allowed: true });
  return review({
    uid: request.uid,
    allowed: false,
    status: { code: decision.code, message: decision.message, details: { causes: decision.causes } },
  });
}

export async function mutateAdmission(request: AdmissionRequest, lookups: AdmissionLookups): Promise<AdmissionReview> {
  if (!isDataVolume(request) || request.operation !== 'CREATE') return review({ uid: request.uid, allowed: true });
  const dv = asDataVolume(request.object, request);
  const { dataVolumeTTLSeconds } = await lookups.settings();
  const { patch } = defaultDataVolume(dv, { dataVolumeTTLSeconds });
  if (patch.length === 0) return review({ uid: request.uid, allowed: true });
  return review({
    uid: request.uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
  });
}
