// The server's parts built from its components, in kube-apiserver's arrangement:
//   authentication  the admin token, then service-account tokens (tokens/);
//   authorization   system:masters, then RBAC over the policy objects in the Store (authz/);
//   admission       mutating: DefaultStorageClass, then webhooks; validating: NamespaceLifecycle,
//                   NoNewFinalizersWhileDeleting, then webhooks (admission/);
//   endpoints       the access and token reviews, and serviceaccounts/<name>/token;
//   aggregation     APIServices with a Service are proxied and listed in discovery (aggregator/).
import type { Logger } from 'pino';
import { MutatingWebhookAdmission, NoNewFinalizersWhileDeleting, storeWorld, ValidatingWebhookAdmission } from './admission/index.ts';
import { Aggregator, ApiServiceAvailability } from './aggregator/index.ts';
import { handleReviewCreate, isReviewCreate, RbacAuthorizer } from './authz/index.ts';
import { AdmissionChain, DefaultStorageClass, NamespaceLifecycle } from './server/admission.ts';
import { ADMIN_USER, StaticTokenAuthenticator, UnionAuthenticator, type Authenticator } from './server/auth.ts';
import type { ResourceEndpoint } from './server/context.ts';
import type { ResourceRegistry } from './server/registry.ts';
import type { Store } from './storage/index.ts';
import { API_AUDIENCES, handleTokenRequest, isTokenRequest, loadOrCreateSigningKey, ServiceAccountTokens, storeLookups, type TokenReviewer } from './tokens/index.ts';

export interface ComponentOptions {
  stateDir: string;
  store: Store;
  registry: ResourceRegistry;
  adminToken: string;
  now(): Date;
  logger: Logger;
}

export interface Components {
  authenticator: Authenticator;
  authorizer: RbacAuthorizer;
  admission: AdmissionChain;
  endpoints: ResourceEndpoint[];
  aggregator: Aggregator;
  /** Keeps the APIServices' Available condition current until `signal` aborts. */
  startAvailability(signal: AbortSignal): void;
}

export async function buildComponents(opts: ComponentOptions): Promise<Components> {
  const { store, registry } = opts;
  const staticTokens = new StaticTokenAuthenticator(new Map([[opts.adminToken, ADMIN_USER]]));
  const lookups = storeLookups(store);
  const serviceAccountTokens = new ServiceAccountTokens(await loadOrCreateSigningKey(opts.stateDir), lookups, opts.now);
  const authenticator = new UnionAuthenticator([staticTokens, serviceAccountTokens]);
  const authorizer = new RbacAuthorizer(store);

  const world = storeWorld(store, () => registry.all());
  const admission = new AdmissionChain();
  admission.mutating.push(new DefaultStorageClass(store), new MutatingWebhookAdmission(world));
  admission.validating.push(new NamespaceLifecycle(store), new NoNewFinalizersWhileDeleting(), new ValidatingWebhookAdmission(world));

  // TokenReview answers for every token the server accepts: the admin token first, as the pipeline does.
  const reviewToken: TokenReviewer = async (token, audiences) => {
    const admin = staticTokens.authenticate({ authorization: `Bearer ${token}` });
    if (admin !== undefined) return { authenticated: true, user: admin, audiences: audiences.length === 0 ? API_AUDIENCES : audiences };
    return serviceAccountTokens.review(token, audiences);
  };
  const endpoints: ResourceEndpoint[] = [
    { name: 'access and token reviews', matches: isReviewCreate, handle: (rr) => handleReviewCreate(rr, { policy: authorizer.policy, reviewToken }) },
    { name: 'TokenRequest', matches: isTokenRequest, handle: (rr) => handleTokenRequest(rr, serviceAccountTokens, lookups) },
  ];

  const aggregator = new Aggregator(store, world.service, localGroupsOf(registry));
  return {
    authenticator,
    authorizer,
    admission,
    endpoints,
    aggregator,
    startAvailability(signal) {
      new ApiServiceAvailability({ store, services: world.service, now: opts.now, logger: opts.logger }).start(signal);
    },
  };
}

/** The groups the server serves itself (built-in and CRD), recomputed when the registry changes. */
function localGroupsOf(registry: ResourceRegistry): () => ReadonlySet<string> {
  let generation = -1;
  let groups: ReadonlySet<string> = new Set();
  return () => {
    if (generation !== registry.generation) {
      groups = new Set(registry.groups().map((g) => g.name));
      generation = registry.generation;
    }
    return groups;
  };
}
