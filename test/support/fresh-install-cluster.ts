/**
 * Objects of a ROSA cluster before a fresh 3scale install, shaped as the API server returns them: worker
 * nodes (m5.xlarge: 4 vCPU, 16 GiB, allocatable after system reserves), infra and master nodes with the
 * taints the field report's scheduler message names, the gp3 and gp2 storage classes of the EBS CSI
 * driver, pods already using the workers' room, and Routes of other namespaces.
 */
import type { KubeObject } from '../../src/kube/kube-object.js';

/** A node as `kubectl get node -o json` shows it (the fields the checks read, and the usual neighbours). */
export function node(name: string, options: { readonly role?: 'worker' | 'infra' | 'master'; readonly arch?: string; readonly cpu?: string; readonly memory?: string; readonly ready?: boolean } = {}): KubeObject {
  const role = options.role ?? 'worker';
  const arch = options.arch ?? 'amd64';
  const taints = role === 'worker' ? [] : [{ key: `node-role.kubernetes.io/${role}`, effect: 'NoSchedule' }];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/arch': arch, 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': name, [`node-role.kubernetes.io/${role}`]: '', 'node.kubernetes.io/instance-type': 'm5.xlarge' },
    },
    spec: { providerID: `aws:///us-east-1a/i-0${name.replace(/[^a-z0-9]/g, '').slice(0, 12)}`, ...(taints.length ? { taints } : {}) },
    status: {
      capacity: { cpu: '4', memory: '16106124Ki', pods: '250', 'ephemeral-storage': '125293548Ki' },
      allocatable: { cpu: options.cpu ?? '3500m', memory: options.memory ?? '14848908Ki', pods: '250', 'ephemeral-storage': '114396791822' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: options.ready === false ? 'False' : 'True', reason: 'KubeletReady' },
      ],
      nodeInfo: { architecture: arch, operatingSystem: 'linux', kubeletVersion: 'v1.29.10+67d3387', containerRuntimeVersion: 'cri-o://1.29.10' },
    },
  };
}

/** A storage class of the AWS EBS CSI driver, as ROSA ships gp3 (default) and gp2. */
export function storageClass(name: string, provisioner = 'ebs.csi.aws.com', isDefault = false): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner,
    parameters: { encrypted: 'true', type: name.startsWith('gp2') ? 'gp2' : 'gp3' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  };
}

/** A running pod on a node with one container's requests. */
export function pod(namespace: string, name: string, nodeName: string, requests: { cpu: string; memory: string }, phase = 'Running'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name.replace(/-[a-z0-9]{5}$/, '') } },
    spec: { nodeName, containers: [{ name: 'main', image: 'registry.example.com/app:1', resources: { requests } }] },
    status: { phase },
  };
}

/** A Route holding a host, admitted. */
export function route(namespace: string, name: string, host: string, service = 'web'): KubeObject {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name, namespace },
    spec: { host, to: { kind: 'Service', name: service, weight: 100 }, port: { targetPort: 'http' }, tls: { termination: 'edge' }, wildcardPolicy: 'None' },
    status: { ingress: [{ host, routerName: 'default', conditions: [{ type: 'Admitted', status: 'True' }] }] },
  };
}

/** The ROSA cluster of the examples: three amd64 workers with some room used, infra and master nodes, gp3 and gp2. */
export function rosaCluster(): KubeObject[] {
  return [
    storageClass('gp2-csi'),
    storageClass('gp3', 'ebs.csi.aws.com', true),
    storageClass('gp3-csi'),
    node('ip-10-0-1-10.ec2.internal'),
    node('ip-10-0-1-11.ec2.internal'),
    node('ip-10-0-1-12.ec2.internal'),
    node('ip-10-0-2-20.ec2.internal', { role: 'infra' }),
    node('ip-10-0-3-30.ec2.internal', { role: 'master' }),
    pod('openshift-monitoring', 'prometheus-k8s-0', 'ip-10-0-1-10.ec2.internal', { cpu: '700m', memory: '2Gi' }),
    pod('openshift-ingress', 'router-default-5d9c7', 'ip-10-0-1-11.ec2.internal', { cpu: '100m', memory: '256Mi' }),
    pod('openshift-image-registry', 'image-registry-6f4b8', 'ip-10-0-1-12.ec2.internal', { cpu: '100m', memory: '256Mi' }),
    pod('batch', 'report-28511-abcde', 'ip-10-0-1-12.ec2.internal', { cpu: '3', memory: '8Gi' }, 'Succeeded'),
    route('shop', 'storefront', 'shop.apps.rosa-prod.x7k2.p1.openshiftapps.com'),
  ];
}
