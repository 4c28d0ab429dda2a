// Names of what the controller creates or registers, CDI's strings where CDI has one, and
// Ferry's own where CDI has none.

/** CDI names an importer pod "importer-<claim name>". */
export const ImporterPodPrefix = 'importer' as const;

/** The container name inside a worker pod, as CDI's. */
export const ImporterContainerName = 'importer' as const;

/** The pod volume holding the claim, as CDI's. */
export const DataVolumeName = 'cdi-data-vol' as const;

/** The pod volume holding the scratch claim, as CDI's (mounted at /scratch). */
export const ScratchVolumeName = 'cdi-scratch-vol' as const;

/** CDI names a scratch claim "<claim>-scratch". */
export const scratchClaimName = (claimName: string): string => `${claimName}-scratch`;

/** `cdi.kubevirt.io: importer` on importer pods (CDI's component label value). */
export const ImporterComponentValue = 'importer' as const;

/** The program inside Ferry's image that runs the importer. */
export const ImporterCommand = ['ferry', 'worker', 'import'] as const;

/** The one CDI install object whose spec.config CDI reads. */
export const CDIObjectName = 'cdi' as const;

/** The Lease the controller replicas elect a leader on (CDI's controller uses this name). */
export const LeaderLeaseName = 'cdi-controller-leader-election-helper' as const;

/** Admission webhooks, CDI's names and paths. */
export const Webhook = {
  validatingConfigurationName: 'cdi-api-datavolume-validate',
  mutatingConfigurationName: 'cdi-api-datavolume-mutate',
  validateName: 'datavolume-validate.cdi.kubevirt.io',
  mutateName: 'datavolume-mutate.cdi.kubevirt.io',
  validatePath: '/datavolume-validate',
  mutatePath: '/datavolume-mutate',
  /** The Service in front of the controller in a real cluster. */
  serviceName: 'ferry-webhook',
} as const;

/** The namespace Ferry's controller runs in by default. */
export const DefaultFerryNamespace = 'ferry-system' as const;
/** The namespace Ferry runs in on the embedded cluster. */
export const FerryNamespace = DefaultFerryNamespace;

/** The Event source component name (CDI's datavolume controller records as this). */
export const EventComponent = 'datavolume-controller' as const;

/** Ferry's one image (controller and workers); the embedded node runs it as local processes. */
export const DefaultWorkerImage = 'ferry.dev/ferry:latest' as const;
