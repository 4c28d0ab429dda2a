// An object being deleted may lose finalizers but gain none (apimachinery's
// ValidateNoNewFinalizers, part of object-meta update validation): a 422 with the real text.
// Run as a validating step so that finalizers added by mutating webhooks are caught too.
import type { AdmissionAttributes, ValidatingAdmissionPlugin } from '../server/admission.ts';
import { invalid } from '../server/status.ts';

export class NoNewFinalizersWhileDeleting implements ValidatingAdmissionPlugin {
  readonly name = 'NoNewFinalizersWhileDeleting';

  validate(attrs: AdmissionAttributes): void {
    if (attrs.operation !== 'UPDATE' || attrs.object === undefined || attrs.oldObject === undefined) return;
    if (attrs.oldObject.metadata.deletionTimestamp === undefined) return;
    const extra = newFinalizers(attrs.object.metadata.finalizers ?? [], attrs.oldObject.metadata.finalizers ?? []);
    if (extra.length === 0) return;
    throw invalid(attrs.served, attrs.object.metadata.name ?? '', [
      {
        type: 'FieldValueForbidden',
        field: 'metadata.finalizers',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`,
      },
    ]);
  }
}

/** The finalizers in `next` that `old` does not have, sorted (Go's sets.String.List()). */
export function newFinalizers(next: string[], old: string[]): string[] {
  const had = new Set(old);
  return [...new Set(next.filter((f) => !had.has(f)))].sort();
}
