/** Reading live clusters and exported YAML: the public surface of src/live. */
export * from './api-discovery.js';
export * from './export-file.js';
export * from './kube-client.js';
export * from './kube-errors.js';
export * from './live-reader.js';
export * from './object-type.js';
export * from './pod-log.js';
