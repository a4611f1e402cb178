import { join } from 'node:path';
import type { BinaryPaths } from './binaries.js';
import type { Pki } from './pki.js';

export interface Ports {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/** How a started component is judged ready. */
export type Readiness = { url: string; kind: 'etcd' | 'apiserver' | 'insecure-https' | 'http' };

export interface ComponentSpec {
  name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';
  binary: string;
  args: string[];
  ready: Readiness;
}

export interface ComponentContext {
  dir: string;
  bins: BinaryPaths;
  pki: Pki;
  ports: Ports;
  kubeconfig: string;
  stagesFile: string;
}

const LOOPBACK = '127.0.0.1';
// Wide enough for thousands of Services and pods in the benchmarks.
export const SERVICE_CIDR = '10.96.0.0/16';
export const POD_CIDR = '10.244.0.0/16';
const ALLOW_HEALTH = '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics';

/** The command lines of the control plane, in start order. Everything listens on 127.0.0.1 only. */
export function componentSpecs(c: ComponentContext): ComponentSpec[] {
  const { bins, pki, ports, kubeconfig } = c;
  const etcdUrl = `http://${LOOPBACK}:${ports.etcd}`;
  const peerUrl = `http://${LOOPBACK}:${ports.etcdPeer}`;
  return [
    {
      name: 'etcd',
      binary: bins.etcd,
      args: [
        '--name=berth', `--data-dir=${join(c.dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=berth=${peerUrl}`,
        // A throwaway cluster: durability is not worth the fsync latency.
        '--unsafe-no-fsync=true', '--quota-backend-bytes=8589934592', '--log-level=warn',
      ],
      ready: { url: `${etcdUrl}/health`, kind: 'etcd' },
    },
    {
      name: 'kube-apiserver',
      binary: bins['kube-apiserver'],
      args: [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${LOOPBACK}`, `--advertise-address=${LOOPBACK}`, `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki.serviceAccountPub}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--authorization-mode=Node,RBAC', '--allow-privileged=true',
        // No kube-proxy or endpoints here: the apiserver must not try to publish its own address.
        '--endpoint-reconciler-type=none',
        `--cert-dir=${join(c.dir, 'apiserver-certs')}`,
      ],
      ready: { url: `https://${LOOPBACK}:${ports.apiserver}/readyz`, kind: 'apiserver' },
    },
    {
      name: 'kube-controller-manager',
      binary: bins['kube-controller-manager'],
      args: [
        `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
        `--bind-address=${LOOPBACK}`, `--secure-port=${ports.controllerManager}`, ALLOW_HEALTH,
        `--cert-dir=${join(c.dir, 'controller-manager-certs')}`,
        '--leader-elect=false', '--use-service-account-credentials=false', '--controllers=*',
        `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.caCert}`,
        '--kube-api-qps=1000', '--kube-api-burst=2000',
      ],
      ready: { url: `https://${LOOPBACK}:${ports.controllerManager}/healthz`, kind: 'insecure-https' },
    },
    {
      name: 'kube-scheduler',
      binary: bins['kube-scheduler'],
      args: [
        `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
        `--bind-address=${LOOPBACK}`, `--secure-port=${ports.scheduler}`, ALLOW_HEALTH,
        `--cert-dir=${join(c.dir, 'scheduler-certs')}`,
        '--leader-elect=false',
      ],
      ready: { url: `https://${LOOPBACK}:${ports.scheduler}/healthz`, kind: 'insecure-https' },
    },
    {
      name: 'kwok',
      binary: bins.kwok,
      args: [
        `--kubeconfig=${kubeconfig}`, `--config=${c.stagesFile}`,
        '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--manage-nodes-with-label-selector=', '--manage-single-node=',
        `--server-address=${LOOPBACK}:${ports.kwok}`,
        `--cidr=${POD_CIDR}`, '--node-lease-duration-seconds=40',
      ],
      ready: { url: `http://${LOOPBACK}:${ports.kwok}/healthz`, kind: 'http' },
    },
  ];
}

/** The admin kubeconfig every component, test and user shares. */
export function adminKubeconfig(pki: Pki, apiserverPort: number): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: berth-local',
    '  cluster:',
    `    server: https://${LOOPBACK}:${apiserverPort}`,
    `    certificate-authority: ${pki.caCert}`,
    'users:',
    '- name: berth-admin',
    '  user:',
    `    client-certificate: ${pki.adminCert}`,
    `    client-key: ${pki.adminKey}`,
    'contexts:',
    '- name: berth-local',
    '  context: {cluster: berth-local, user: berth-admin}',
    'current-context: berth-local',
    '',
  ].join('\n');
}
