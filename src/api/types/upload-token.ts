// upload.cdi.kubevirt.io/v1beta1 UploadTokenRequest: served by the aggregated API (virtctl
// image-upload creates one and reads `status.token`). Not a CRD.

import type { ObjectMeta } from '../meta.ts';

export interface UploadTokenRequest {
  apiVersion?: 'upload.cdi.kubevirt.io/v1beta1';
  kind?: 'UploadTokenRequest';
  metadata: ObjectMeta;
  spec: { pvcName: string };
  status?: { token?: string };
}
