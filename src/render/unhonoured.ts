import type { TaskDefinitionSpec } from '../api/taskdefinition.js';
import { containerPath, type IgnoredField } from './findings.js';

// ECS fields with no Kubernetes counterpart that the other renderers do not already report.
// Each becomes a finding with its path, so users see exactly what does not carry over.

export function noteUnhonoured(spec: TaskDefinitionSpec, ignored: IgnoredField[]): void {
  if (spec.executionRoleArn?.trim()) {
    ignored.push({
      path: '$.executionRoleArn',
      reason: 'not needed: the kubelet pulls images with imagePullSecrets and the pod reads Kubernetes Secrets itself',
    });
  }
  if (spec.proxyConfiguration) {
    ignored.push({ path: '$.proxyConfiguration', reason: 'not honoured: Berth does not configure a service mesh proxy' });
  }
  if (spec.inferenceAccelerators?.length) {
    ignored.push({ path: '$.inferenceAccelerators', reason: 'not honoured: Elastic Inference accelerators have no Kubernetes equivalent' });
  }
  if (spec.enableFaultInjection) {
    ignored.push({ path: '$.enableFaultInjection', reason: 'not honoured: there is no ECS fault-injection endpoint in the pod' });
  }
  if (spec.ipcMode === 'none') {
    ignored.push({ path: '$.ipcMode', reason: 'not honoured: the containers of a pod share one IPC namespace' });
  }

  spec.containerDefinitions.forEach((def, i) => {
    const note = (field: string, reason: string) => ignored.push({ path: containerPath(i, field), reason });
    if (def.logConfiguration) {
      note('logConfiguration', "not honoured: Kubernetes keeps stdout and stderr on the node (kubectl logs); the cluster's log agent ships them");
    }
    if (def.firelensConfiguration) {
      note('firelensConfiguration', 'not honoured: no FireLens log routing; the container runs as an ordinary container');
    }
    if (def.startTimeout !== undefined) {
      note('startTimeout', 'not honoured: Kubernetes waits for the containers this one depends on without a deadline');
    }
    if (def.credentialSpecs?.length) {
      note('credentialSpecs', 'not honoured: gMSA credential specs need securityContext.windowsOptions set by hand');
    }
    if (def.versionConsistency === 'enabled') {
      note('versionConsistency', 'not honoured: the kubelet resolves an image tag each time it pulls');
    }
  });
}
