// Ferry's admission webhooks for DataVolumes, served by the controller process over HTTPS.
export * from './admission-review.ts';
export * from './certificate.ts';
export * from './lookups.ts';
export * from './registration.ts';
export * from './server.ts';
export * from './certificate-secret.ts';
