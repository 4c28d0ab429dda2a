// The import populate steps (http, s3, gcs, registry) and the pure decisions behind them: the
// importer pod, the outcome of a pod, the failure reasons, progress and the size probe.
export { importSteps, httpImportStep, s3ImportStep, gcsImportStep, registryImportStep, progressPollMs, type ImportPopulateStep } from './step.ts';
export { renderImporterPod, renderImporterEnv, progressOwnerUID, ImporterPodNames, ImporterChecksumEnv, type ImporterPodInput } from './importer-pod.ts';
export { decideImporterPod, failedForGoodFromClaim, isTerminalFailure, type ImporterPodDecision, type ImporterPodOutcome } from './outcome.ts';
export { ImportFailureReason, explainImportFailure, isImportFailureReason, terminalFailureCodes } from './reasons.ts';
export { ImportProgressMetric, parseProgressMetric, metricsUrlOf, readImportProgress } from './progress.ts';
export { virtualSizeFromHead, probeHttpVirtualSize, type VirtualSizeProbe } from './size-probe.ts';
export { probeImportVirtualSize } from './probe-source.ts';
export { importSourceOf, isInsecureRegistry, type ImportSourceSpec, type ImportSourceKind } from './source.ts';
