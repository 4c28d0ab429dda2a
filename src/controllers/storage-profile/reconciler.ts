// The StorageProfile reconciler: one profile per StorageClass, of the same name (CDI's).
// 1. The StorageClass is gone: its profile is deleted.
// 2. No profile yet: it is created with an empty spec (users fill the spec to override).
// 3. The status is computed from the class, the profile's spec and the capabilities table of
//    known provisioners (computeStorageProfileStatus), and written only when it changed. Spec
//    entries CDI rejects are logged with what to fix.
import { CDI_API_VERSION, type StorageProfile } from '../../api/index.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import { mergePatch } from '../../kube/patch.ts';
import { type Reconciler, type Result, done } from '../../runtime/reconciler.ts';
import { canonicalJson } from '../patches.ts';
import { cdiResource, type ControllerContext } from '../context.ts';
import { capabilitiesFor, computeStorageProfileStatus } from '../decisions/index.ts';


export class StorageProfileReconciler implements Reconciler {
  readonly name = 'storageprofile';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  async reconcile(key: string): Promise<Result> {
    const ctx = this.#ctx;
    const storageClass = ctx.caches.storageClasses.get(key);
    let profile = ctx.caches.storageProfiles.get(key);
    if (!storageClass) {
      if (profile) {
        try {
          await ctx.custom.deleteClusterCustomObject({ ...cdiResource.storageProfiles, name: key });
          ctx.logger.info({ storageProfile: key }, 'storage profile deleted with its StorageClass');
        } catch (err) {
          if (toKubeError(err).code !== 'ENOTFOUND') throw toKubeError(err);
        }
      }
      return done;
    }
    if (!profile) {
      try {
        profile = (await kube(
          ctx.custom.createClusterCustomObject({
            ...cdiResource.storageProfiles,
            body: { apiVersion: CDI_API_VERSION, kind: 'StorageProfile', metadata: { name: key }, spec: {} } satisfies StorageProfile,
          }),
        )) as StorageProfile;
        ctx.logger.info({ storageProfile: key }, 'storage profile created');
      } catch (err) {
        if (toKubeError(err).code === 'EEXISTS') return { requeueAfterMs: 200 };
        throw err;
      }
    }
    const { status, problems } = computeStorageProfileStatus(storageClass, profile.spec, capabilitiesFor(storageClass.provisioner));
    for (const problem of problems) ctx.logger.warn({ storageProfile: key, problem }, 'storage profile spec entry ignored');
    if (canonicalJson(status) === canonicalJson(profile.status ?? {})) return done;
    await kube(
      ctx.custom.patchClusterCustomObjectStatus(
        // The whole status is replaced: fields that no longer apply must go.
        { ...cdiResource.storageProfiles, name: key, body: { metadata: { resourceVersion: profile.metadata.resourceVersion }, status: { ...emptyStatus, ...status } } },
        mergePatch,
      ),
    );
    return done;
  }
}

/** Merge-patch nulls for every status field, so that fields absent from the new status are removed. */
const emptyStatus = {
  storageClass: null, provisioner: null, cloneStrategy: null, claimPropertySets: null,
  dataImportCronSourceFormat: null, snapshotClass: null, minimumSupportedPvcSize: null,
};
