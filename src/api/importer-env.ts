// Environment variables the controller sets on worker pods and the workers parse once at start.
// Names are CDI's, so that a worker pod spec reads the same as CDI's importer's.

export const ImporterEnv = {
  Source: 'IMPORTER_SOURCE',
  Endpoint: 'IMPORTER_ENDPOINT',
  ContentType: 'IMPORTER_CONTENTTYPE',
  ImageSize: 'IMPORTER_IMAGE_SIZE',
  AccessKeyId: 'IMPORTER_ACCESS_KEY_ID',
  SecretKey: 'IMPORTER_SECRET_KEY',
  CertDir: 'IMPORTER_CERT_DIR',
  InsecureTls: 'INSECURE_TLS',
  DiskId: 'IMPORTER_DISK_ID',
  Uuid: 'IMPORTER_UUID',
  PullMethod: 'IMPORTER_PULL_METHOD',
  BackingFile: 'IMPORTER_BACKING_FILE',
  Thumbprint: 'IMPORTER_THUMBPRINT',
  CurrentCheckpoint: 'IMPORTER_CURRENT_CHECKPOINT',
  PreviousCheckpoint: 'IMPORTER_PREVIOUS_CHECKPOINT',
  FinalCheckpoint: 'IMPORTER_FINAL_CHECKPOINT',
  /** Prefix: IMPORTER_EXTRA_HEADER_0, _1, ... */
  ExtraHeaderPrefix: 'IMPORTER_EXTRA_HEADER_',
  ProxyCertDir: 'IMPORTER_PROXY_CERT_DIR',
  HttpProxy: 'http_proxy',
  HttpsProxy: 'https_proxy',
  NoProxy: 'no_proxy',
  OwnerUid: 'OWNER_UID',
  FilesystemOverhead: 'FILESYSTEM_OVERHEAD',
  Preallocation: 'PREALLOCATION',
  CacheMode: 'CACHE_MODE',
  UploadImageSize: 'UPLOAD_IMAGE_SIZE',
  GoogleCredentials: 'GOOGLE_APPLICATION_CREDENTIALS',
} as const;

/** CACHE_MODE's one value: try qemu-img cache=none (O_DIRECT), falling back where unsupported. */
export const CacheModeTryNone = 'TRYNONE' as const;

/** `IMPORTER_SOURCE` values. */
export const ImporterSource = {
  Http: 'http',
  S3: 's3',
  Gcs: 'gcs',
  Registry: 'registry',
  Imageio: 'imageio',
  Vddk: 'vddk',
  /** Blank images: nothing to download. */
  None: 'none',
} as const;
export type ImporterSource = (typeof ImporterSource)[keyof typeof ImporterSource];

/** Paths inside worker pods (DESIGN.md: "Paths inside worker pods"). */
export const WorkerPath = {
  DataDir: '/data',
  DiskImage: '/data/disk.img',
  BlockDevice: '/dev/cdi-block-volume',
  Scratch: '/scratch',
  CertDir: '/certs',
  ProxyCertDir: '/proxycerts/',
  ExtraHeadersDir: '/extraheaders',
  TerminationLog: '/dev/termination-log',
} as const;

/** The global filesystem overhead when CDIConfig sets none (5.5%). */
export const DefaultGlobalFilesystemOverhead = '0.055' as const;
