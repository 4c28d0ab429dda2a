// Feature gate names, listed in `CDI.spec.config.featureGates` / `CDIConfig.spec.featureGates`.

export const FeatureGate = {
  HonorWaitForFirstConsumer: 'HonorWaitForFirstConsumer',
  DataVolumeClaimAdoption: 'DataVolumeClaimAdoption',
  WebhookPvcRendering: 'WebhookPvcRendering',
} as const;
export type FeatureGate = (typeof FeatureGate)[keyof typeof FeatureGate];

export function isFeatureGateEnabled(gates: readonly string[] | undefined, gate: FeatureGate): boolean {
  return gates?.includes(gate) ?? false;
}
