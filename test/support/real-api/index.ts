/** The real API server of the tests (see real-api-server.ts); import from here. */
export { apiRequest, apiRequestOk, type ApiAnswer, type ApiCall, type ApiEndpoint } from './api-request.js';
export { checkEnvtestBinaries, envtestBinaries, envtestBinDir, ENVTEST_HINT, type EnvtestBinaries } from './envtest-binaries.js';
export { defaultCrdFiles } from './install-crds.js';
export { addControllerDefaults, createNamespace, SYSTEM_NAMESPACES } from './namespaces.js';
export { adminEndpoint, startRealApiServer, type RealApiServer, type RealApiServerOptions } from './real-api-server.js';
export { emptyNamespaces, useRealKubeScriptSuite, type RealKubeScriptCluster } from './kube-script-cluster.js';
export { resourcePath } from './resource-paths.js';
export { runKubectl, type KubectlResult } from './run-kubectl.js';
export { SEED_MANAGER, seedObjects, withoutServerFields } from './seed-objects.js';
export { applyFolder } from './apply-folder.js';
export { bindPvc, completeJob, CONTROLLER_MANAGER, deleteObject, OPERATOR_MANAGER, NOT_READY_TAINT, operatorRestoresReplicas, setDeploymentStatus, settleWorkloads, untaintReadyNodes } from './controller-stand-in.js';
export { useRealApiServer } from './use-real-api-server.js';
export { jobScript, runJobPod } from './run-job-pod.js';
export { HPA_MANAGER, hpaScales, replicasOwners } from './hpa-stand-in.js';
