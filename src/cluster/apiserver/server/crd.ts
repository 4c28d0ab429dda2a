// CustomResourceDefinitions: what the server serves for one (a ServedResource per served
// version), and the status a real server's controllers give an accepted CRD (Established,
// NamesAccepted, acceptedNames, storedVersions), here set in the same write that stores it.
import { validateAgainstSchema, applySchemaDefaults, validateObjectMeta } from '../schema/index.ts';
import { crdPrinterColumns } from '../table/index.ts';
import { standardVerbs } from '../resources/types.ts';
import type { FieldError, KubeObject, Schema } from '../types.ts';
import { storageResourceOf, type ServedResource } from './registry.ts';
import type { SchemaResolver } from './schemas.ts';

interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: unknown[];
}

interface CrdSpec {
  group: string;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

export const CRD_GROUP = 'apiextensions.k8s.io';
export const CRD_STORAGE_RESOURCE = storageResourceOf(CRD_GROUP, 'customresourcedefinitions');

export function crdSpec(crd: KubeObject): CrdSpec {
  return crd['spec'] as CrdSpec;
}

/** `io.kubevirt.cdi.v1beta1.DataVolume`: the reverse-DNS name kube-apiserver gives CRD schemas. */
export function crdComponentName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** The kinds a CRD serves, one per served version; empty while it is being deleted. */
export function servedResourcesOf(crd: KubeObject, resolve: SchemaResolver): ServedResource[] {
  if (crd.metadata.deletionTimestamp !== undefined) return [];
  const spec = crdSpec(crd);
  const storageVersion = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]?.name ?? 'v1';
  const namespaced = spec.scope === 'Namespaced';
  const names = spec.names;
  return spec.versions
    .filter((v) => v.served)
    .map((v): ServedResource => {
      const userSchema = v.schema?.openAPIV3Schema;
      const objectSchema = userSchema === undefined ? undefined : withObjectEnvelope(userSchema);
      const printer = crdPrinterColumns((v.additionalPrinterColumns ?? []) as Parameters<typeof crdPrinterColumns>[0]);
      const subresources: string[] = [];
      if (v.subresources?.scale !== undefined) subresources.push('scale');
      if (v.subresources?.status !== undefined) subresources.push('status');
      return {
        group: spec.group,
        version: v.name,
        resource: names.plural,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        singular: names.singular ?? names.kind.toLowerCase(),
        namespaced,
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        verbs: [...standardVerbs],
        subresources,
        schemaName: crdComponentName(spec.group, v.name, names.kind),
        hasStatus: v.subresources?.status !== undefined,
        hasGeneration: true,
        nameValidation: 'dns1123Subdomain',
        defaults(obj: KubeObject): void {
          if (objectSchema !== undefined) applySchemaDefaults(obj, objectSchema, resolve);
        },
        validate(obj: KubeObject): FieldError[] {
          const errors = validateObjectMeta(obj.metadata, { namespaced, nameValidator: 'dns1123Subdomain' });
          if (objectSchema !== undefined) {
            const copy: Record<string, unknown> = { ...obj };
            delete copy['metadata'];
            errors.push(...validateAgainstSchema(copy, objectSchema, resolve));
          }
          return errors;
        },
        fieldSelectors: {},
        printerColumns: printer.columns,
        cells: (obj, now) => printer.cells(obj, now),
        storageResource: storageResourceOf(spec.group, names.plural),
        storageVersion,
        custom: {
          crdName: crd.metadata.name ?? '',
          schema: objectSchema,
          componentName: crdComponentName(spec.group, v.name, names.kind),
        },
      };
    });
}

/**
 * A CRD's schema as the server applies it: apiVersion, kind and metadata are implicitly part of
 * every custom resource, whatever the user's schema says.
 */
function withObjectEnvelope(schema: Schema): Schema {
  return {
    ...schema,
    type: 'object',
    properties: {
      ...schema.properties,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
    },
  };
}

/** Sets the status the real server's CRD controllers converge to for a CRD whose names are free. */
export function establishCrdStatus(crd: KubeObject, old: KubeObject | undefined, now: string): void {
  const spec = crdSpec(crd);
  const names = spec.names;
  const acceptedNames: Record<string, unknown> = {
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
  };
  if (names.shortNames !== undefined && names.shortNames.length > 0) acceptedNames['shortNames'] = names.shortNames;
  if (names.categories !== undefined && names.categories.length > 0) acceptedNames['categories'] = names.categories;
  const oldStatus = (old?.['status'] ?? {}) as { conditions?: { type: string; lastTransitionTime?: string }[]; storedVersions?: string[] };
  const since = (type: string): string => oldStatus.conditions?.find((c) => c.type === type)?.lastTransitionTime ?? now;
  const storage = spec.versions.find((v) => v.storage)?.name;
  const storedVersions = [...(oldStatus.storedVersions ?? [])];
  if (storage !== undefined && !storedVersions.includes(storage)) storedVersions.push(storage);
  crd['status'] = {
    acceptedNames,
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: since('NamesAccepted'),
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: since('Established'),
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    storedVersions,
  };
}
