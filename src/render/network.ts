import type { HostAlias, PodDNSConfig, PodSpec } from '../api/kube.js';
import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { containerPath, type IgnoredField } from './findings.js';
import { networkModeOf } from './ports.js';

// Per-container network settings of ECS become settings of the pod, since the containers of a
// pod share one network namespace, one /etc/hosts, one resolv.conf and one hostname.

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type NetworkFields = Pick<PodSpec, 'hostNetwork' | 'dnsPolicy' | 'dnsConfig' | 'hostAliases' | 'hostname'>;

export function renderNetwork(spec: TaskDefinitionSpec, ignored: IgnoredField[]): NetworkFields {
  const mode = networkModeOf(spec);
  const out: NetworkFields = {};
  if (mode === 'host') out.hostNetwork = true;
  if (mode === 'none') {
    ignored.push({ path: '$.networkMode', reason: 'not honoured: a pod always has a network interface' });
  }
  spec.containerDefinitions.forEach((def, i) => {
    if (def.disableNetworking) {
      ignored.push({ path: containerPath(i, 'disableNetworking'), reason: 'not honoured: the containers of a pod share one network' });
    }
  });
  const aliases = hostAliases(spec, ignored);
  if (aliases.length > 0) out.hostAliases = aliases;
  Object.assign(out, dns(spec));
  const hostname = podHostname(spec, mode, ignored);
  if (hostname) out.hostname = hostname;
  return out;
}

// links ("name" or "name:alias") resolve to the linked container; in a pod that is localhost.
// extraHosts add their own entries. Docker also sets link environment variables; those are not.
function hostAliases(spec: TaskDefinitionSpec, ignored: IgnoredField[]): HostAlias[] {
  const byIp = new Map<string, string[]>();
  const add = (ip: string, hostname: string, path: string) => {
    if (!DNS_SUBDOMAIN.test(hostname)) {
      ignored.push({ path, reason: `not honoured: "${hostname}" is not a valid host alias (lowercase letters, digits, "-" and ".")` });
      return;
    }
    const names = byIp.get(ip) ?? [];
    if (!names.includes(hostname)) names.push(hostname);
    byIp.set(ip, names);
  };
  spec.containerDefinitions.forEach((def, i) => {
    (def.links ?? []).forEach((link, j) => {
      const [name, alias] = link.split(':', 2);
      add('127.0.0.1', alias || name, containerPath(i, 'links', j));
    });
    if (def.links?.length) {
      ignored.push({
        path: containerPath(i, 'links'),
        reason: 'approximated: linked names resolve to 127.0.0.1, as the containers share the pod network; Docker link environment variables are not set',
      });
    }
    (def.extraHosts ?? []).forEach((h, j) => add(h.ipAddress, h.hostname, containerPath(i, 'extraHosts', j)));
  });
  return [...byIp.entries()].map(([ip, hostnames]) => ({ ip, hostnames }));
}

// Explicit DNS servers replace the cluster DNS (dnsPolicy None), as they replace the VPC
// resolver on ECS; search domains alone are added to the cluster's.
function dns(spec: TaskDefinitionSpec): Pick<PodSpec, 'dnsPolicy' | 'dnsConfig'> {
  const servers = unique(spec.containerDefinitions.flatMap((d) => d.dnsServers ?? []));
  const searches = unique(spec.containerDefinitions.flatMap((d) => d.dnsSearchDomains ?? []));
  if (servers.length === 0 && searches.length === 0) return {};
  const dnsConfig: PodDNSConfig = {};
  if (servers.length > 0) dnsConfig.nameservers = servers;
  if (searches.length > 0) dnsConfig.searches = searches;
  return servers.length > 0 ? { dnsPolicy: 'None', dnsConfig } : { dnsConfig };
}

// ECS supports hostname only in bridge mode, where each container has its own; a pod has one.
function podHostname(spec: TaskDefinitionSpec, mode: string, ignored: IgnoredField[]): string | undefined {
  const set = spec.containerDefinitions.flatMap((d, i) => (d.hostname ? [{ i, hostname: d.hostname }] : []));
  const distinct = unique(set.map((s) => s.hostname));
  if (distinct.length === 1 && mode === 'bridge' && DNS_LABEL.test(distinct[0])) return distinct[0];
  const reason =
    mode !== 'bridge'
      ? `not honoured: ECS supports hostname only with networkMode bridge, not ${mode}`
      : distinct.length > 1
        ? 'not honoured: the containers of a pod share one hostname, and these differ'
        : 'not honoured: a pod hostname is a DNS label (lowercase letters, digits and "-", at most 63)';
  set.forEach(({ i }) => ignored.push({ path: containerPath(i, 'hostname'), reason }));
  return undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
