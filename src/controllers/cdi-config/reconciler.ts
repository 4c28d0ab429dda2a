// The CDIConfig reconciler: the singleton `config` exists, and its status shows the values in
// force (computeCDIConfigStatus over the effective spec: CDIConfig's, with the CDI object's
// spec.config winning, feature gates from both). Written only when it changed; spec values that
// were ignored are logged with what to fix.
import { CDIConfigName, CDI_API_VERSION, type CDIConfig } from '../../api/index.ts';
import { kube, toKubeError } from '../../kube/errors.ts';
import { type Reconciler, type Result, done } from '../../runtime/reconciler.ts';
import { canonicalJson } from '../patches.ts';
import { cdiResource, settingsInForce, type ControllerContext } from '../context.ts';


export class CDIConfigReconciler implements Reconciler {
  readonly name = 'cdiconfig';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  async reconcile(key: string): Promise<Result> {
    if (key !== CDIConfigName) return done;
    const ctx = this.#ctx;
    let config = ctx.caches.cdiConfigs.get(CDIConfigName);
    if (!config) {
      try {
        config = (await kube(
          ctx.custom.createClusterCustomObject({
            ...cdiResource.cdiConfigs,
            body: { apiVersion: CDI_API_VERSION, kind: 'CDIConfig', metadata: { name: CDIConfigName }, spec: {} } satisfies CDIConfig,
          }),
        )) as CDIConfig;
        ctx.logger.info({ cdiConfig: CDIConfigName }, 'CDIConfig created');
      } catch (err) {
        if (toKubeError(err).code === 'EEXISTS') return { requeueAfterMs: 200 };
        throw err;
      }
    }
    const { status, problems } = settingsInForce(ctx);
    for (const problem of problems) ctx.logger.warn({ cdiConfig: CDIConfigName, problem }, 'CDIConfig value ignored');
    if (canonicalJson(status) === canonicalJson(config.status ?? {})) return done;
    await kube(
      ctx.custom.replaceClusterCustomObjectStatus({
        ...cdiResource.cdiConfigs,
        name: CDIConfigName,
        body: { ...config, status },
      }),
    );
    return done;
  }
}
