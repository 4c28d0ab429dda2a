// Request options that choose the patch format of client-node's patch calls (their default is a
// JSON patch). Pass as the `options` argument: `api.patchNamespacedX({ ..., body }, mergePatch)`.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
export const strategicMergePatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
export const serverSideApply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
