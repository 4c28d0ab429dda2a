// shouldAdoptClaim: what a DataVolume does with an existing claim of its name (seeds: claim
// adoption). The annotation `cdi.kubevirt.io/allowClaimAdoption` wins both ways over the
// `DataVolumeClaimAdoption` gate; a claim this DataVolume created, or one populated for it, is
// its own and never "adopted".

import {
  readClaimAnnotations, readDataVolumeAnnotations, type ClaimAnnotationPatch, type DataVolume,
  type DataVolumeAnnotationPatch, type OwnerReference,
} from '../../api/index.ts';
import { controllerOf, type ClaimLike } from './claim.ts';

export type ClaimRelation =
  /** Created by this DataVolume (it controls it, or the claim records its UID). */
  | 'Own'
  /** Populated for this DataVolume (`storage.populatedFor` names it): take ownership, Succeeded. */
  | 'PopulatedFor'
  /** Adopted: take ownership, mark populated, Succeeded at once. */
  | 'Adopt'
  /** Not this DataVolume's, and adoption is not allowed (CDI: ErrResourceExists). */
  | 'NotAllowed'
  /** Controlled by something else: it cannot be taken over. */
  | 'ControlledByOther'
  /** Being deleted: wait for it to go. */
  | 'Terminating';

export interface ClaimAdoptionDecision {
  adopt: boolean;
  relation: ClaimRelation;
  /** Why, in a sentence for logs and events. */
  reason: string;
  /** The owner reference to add to the claim (Adopt, PopulatedFor). */
  ownerReference?: OwnerReference;
  claimPatch?: ClaimAnnotationPatch;
  dataVolumePatch?: DataVolumeAnnotationPatch;
}

export interface ShouldAdoptClaimInput {
  dv: DataVolume;
  pvc: ClaimLike;
  featureGateClaimAdoption: boolean;
}

/** The controller reference a DataVolume puts on its claim. */
export function dataVolumeOwnerReference(dv: DataVolume): OwnerReference {
  return {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    name: dv.metadata.name ?? '',
    uid: dv.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether the DataVolume may adopt claims: its annotation if set (either way), else the gate. */
export function claimAdoptionAllowed(dv: DataVolume, featureGateClaimAdoption: boolean): boolean {
  return readDataVolumeAnnotations(dv).allowClaimAdoption ?? featureGateClaimAdoption;
}

export function shouldAdoptClaim(input: ShouldAdoptClaimInput): ClaimAdoptionDecision {
  const { dv, pvc } = input;
  const dvName = dv.metadata.name ?? '';
  const claimName = pvc.metadata?.name ?? '';
  const claim = readClaimAnnotations(pvc);
  const controller = controllerOf(pvc);
  const uid = dv.metadata.uid;

  if ((controller && uid && controller.uid === uid) || (uid && claim.createdForDataVolume === uid)) {
    return { adopt: false, relation: 'Own', reason: `claim ${claimName} was created for this DataVolume` };
  }
  if (pvc.metadata?.deletionTimestamp) {
    return { adopt: false, relation: 'Terminating', reason: `claim ${claimName} is being deleted` };
  }
  if (controller) {
    return {
      adopt: false,
      relation: 'ControlledByOther',
      reason: `claim ${claimName} is controlled by ${controller.kind} ${controller.name}`,
    };
  }
  const ownerReference = dataVolumeOwnerReference(dv);
  if (claim.populatedFor === dvName) {
    return {
      adopt: false,
      relation: 'PopulatedFor',
      reason: `claim ${claimName} was populated for DataVolume ${dvName}`,
      ownerReference,
      dataVolumePatch: { prePopulated: claimName },
    };
  }
  const annotated = readDataVolumeAnnotations(dv).allowClaimAdoption;
  if (claimAdoptionAllowed(dv, input.featureGateClaimAdoption)) {
    return {
      adopt: true,
      relation: 'Adopt',
      reason:
        annotated === true
          ? `claim ${claimName} adopted: the DataVolume allows claim adoption`
          : `claim ${claimName} adopted: feature gate DataVolumeClaimAdoption is enabled`,
      ownerReference,
      claimPatch: { populatedFor: dvName },
      dataVolumePatch: { prePopulated: claimName },
    };
  }
  return {
    adopt: false,
    relation: 'NotAllowed',
    reason:
      annotated === false
        ? `claim ${claimName} exists and the DataVolume forbids claim adoption`
        : `claim ${claimName} exists and claim adoption is not enabled`,
  };
}
