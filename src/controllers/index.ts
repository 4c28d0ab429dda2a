// Ferry's controller: the reconcilers (DataVolume, StorageProfile, CDIConfig), the process that
// runs them, and the install step a cluster needs first.
export { startFerryController, type FerryController, type FerryControllerOptions, type LeaderElectionTiming } from './controller.ts';
export { installFerry, type InstallOptions } from './install.ts';
