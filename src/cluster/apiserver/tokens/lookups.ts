// The objects token validation reads, from the server's Store.
import type { Store } from '../storage/index.ts';
import type { ClaimLookups } from './claims.ts';

export function storeLookups(store: Store): ClaimLookups {
  return {
    serviceAccount: (namespace, name) => store.get({ resource: 'core/serviceaccounts', namespace, name }),
    pod: (namespace, name) => store.get({ resource: 'core/pods', namespace, name }),
    secret: (namespace, name) => store.get({ resource: 'core/secrets', namespace, name }),
    node: (name) => store.get({ resource: 'core/nodes', namespace: '', name }),
  };
}
