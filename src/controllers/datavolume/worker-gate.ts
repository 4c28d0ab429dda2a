// decideWorkerStart: whether the worker pod for a claim is started now. Pure.
// CDI's rule (IsWaitForFirstConsumerEnabled + shouldHandlePvc):
// 1. A claim already populated (its worker succeeded, or it was adopted) gets no worker.
// 2. A bound claim gets one at once.
// 3. An unbound claim on WaitForFirstConsumer storage, with the HonorWaitForFirstConsumer gate on
//    and no immediate-binding request, waits for its first consumer: the DataVolume shows
//    WaitForFirstConsumer and the worker starts once the consumer got the claim bound.
// 4. Otherwise (an Immediate class, the gate off, or immediate binding requested) the worker
//    starts at once, and being the claim's first consumer it gets the claim bound.
import { PodPhase } from '../../api/index.ts';

export interface WorkerStartInput {
  claimPhase: string | undefined;
  /** The claim's pod-phase mirror (cdi.kubevirt.io/storage.pod.phase). */
  mirroredPodPhase: string | undefined;
  populatedForThisDataVolume: boolean;
  waitForFirstConsumerStorage: boolean;
  honorWaitForFirstConsumer: boolean;
  immediateBindingRequested: boolean;
}

export type WorkerStartDecision =
  | { start: true }
  | { start: false; why: 'AlreadyPopulated' | 'WaitingForFirstConsumer' };

export function decideWorkerStart(input: WorkerStartInput): WorkerStartDecision {
  if (input.populatedForThisDataVolume || input.mirroredPodPhase === PodPhase.Succeeded) {
    return { start: false, why: 'AlreadyPopulated' };
  }
  if (input.claimPhase === 'Bound') return { start: true };
  if (input.waitForFirstConsumerStorage && input.honorWaitForFirstConsumer && !input.immediateBindingRequested) {
    return { start: false, why: 'WaitingForFirstConsumer' };
  }
  return { start: true };
}
