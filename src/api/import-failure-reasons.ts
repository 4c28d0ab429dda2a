// Why an import ended Failed: the reason a DataVolume's Running condition and its Warning event
// show when the worker says the failure will not heal. Ferry's own strings: CDI retries such
// failures forever and shows only the container's reason "Error".

export const ImportFailureReason = {
  SourceNotFound: 'ImportSourceNotFound',
  SourceUnauthorized: 'ImportSourceUnauthorized',
  SourceTLS: 'ImportSourceTLSError',
  ChecksumMismatch: 'ImportChecksumMismatch',
  ImageTooLarge: 'ImportImageTooLarge',
  UnsafeImage: 'ImportImageUnsafe',
  UnsupportedFormat: 'ImportFormatUnsupported',
  NoDiskInImage: 'ImportRegistryImageHasNoDisk',
  SourceChanged: 'ImportSourceChanged',
  VolumeFull: 'ImportVolumeFull',
  InvalidSource: 'ImportSourceInvalid',
  SourceProtocol: 'ImportSourceProtocolError',
  /** A failure the worker said will not heal, with a code this table does not know. */
  Failed: 'ImportFailed',
} as const;
export type ImportFailureReason = (typeof ImportFailureReason)[keyof typeof ImportFailureReason];
