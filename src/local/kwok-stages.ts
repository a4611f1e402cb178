/**
 * The lifecycle kwok plays for nodes and pods, in place of kubelets.
 *
 * Pods whose containers use an image tagged `berth-fail` (e.g. `nginx:berth-fail`) simulate a
 * task that crashes on start: they never become ready and their restartCount keeps growing, which
 * is what a rollout's circuit breaker has to notice.
 */
export const FAILING_IMAGE_TAG = 'berth-fail';

const HAS_FAILING_IMAGE = `[(.spec.initContainers // []), (.spec.containers // []) | .[] | .image | endswith(":${FAILING_IMAGE_TAG}")] | any`;

// Both node stages report kwok's healthy node conditions, stamped now.
const NODE_CONDITIONS = `      {{ $now := Now }}
      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $now | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type | Quote }}
      {{ end }}`;

const nodeInitialize = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: node-initialize}
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: NotIn, values: ['True']}
  next:
    statusTemplate: |
${NODE_CONDITIONS}
      addresses:
      - {address: {{ NodeIP | Quote }}, type: InternalIP}
      - {address: {{ .metadata.name | Quote }}, type: Hostname}
      allocatable:
      {{ YAML .status.allocatable 1 }}
      capacity:
      {{ YAML .status.capacity 1 }}
      phase: Running
`;

// With a node lease (kwok renews it), the node status only needs an occasional refresh.
const nodeHeartbeat = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: node-heartbeat-with-lease}
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - {key: '.status.phase', operator: In, values: [Running]}
    - {key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: In, values: ['True']}
  delay: {durationMilliseconds: 600000, jitterDurationMilliseconds: 610000}
  next:
    statusTemplate: |
${NODE_CONDITIONS}
`;

const podReady = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-ready}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.status.phase', operator: In, values: [Pending]}
    - {key: '.spec.nodeName', operator: Exists}
    - {key: '${HAS_FAILING_IMAGE}', operator: NotIn, values: ['true']}
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - {type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: ContainersReady, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: Ready, status: "True", lastTransitionTime: {{ $now | Quote }}}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        started: true
        restartCount: 0
        state: {running: {startedAt: {{ $now | Quote }}}}
      {{ end }}
      initContainerStatuses:
      {{ range .spec.initContainers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        {{ if eq ( or .restartPolicy "" ) "Always" }}
        started: true
        state: {running: {startedAt: {{ $now | Quote }}}}
        {{ else }}
        state: {terminated: {exitCode: 0, reason: Completed, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}}
        {{ end }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ $now | Quote }}
`;

// Re-fires after every status change (each one is a new event for kwok), so the restart count
// climbs every couple of seconds for as long as the pod exists.
const podCrashLoop = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-crash-loop}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - {key: '.spec.nodeName', operator: Exists}
    - {key: '${HAS_FAILING_IMAGE}', operator: In, values: ['true']}
  delay: {durationMilliseconds: 2000, jitterDurationMilliseconds: 1000}
  next:
    statusTemplate: |
      {{ $now := Now }}
      {{ $previous := or .status.containerStatuses list }}
      conditions:
      - {type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: ContainersReady, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
      - {type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }}}
      containerStatuses:
      {{ range .spec.containers }}
      {{ $name := .name }}
      {{ $count := 0 }}
      {{ range $previous }}{{ if eq .name $name }}{{ $count = ( or .restartCount 0 ) }}{{ end }}{{ end }}
      {{ if hasSuffix ":${FAILING_IMAGE_TAG}" .image }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        started: false
        restartCount: {{ add $count 1 }}
        state: {waiting: {reason: CrashLoopBackOff, message: "back-off restarting failed container"}}
        lastState: {terminated: {exitCode: 1, reason: Error, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}}
      {{ else }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        started: true
        restartCount: {{ $count }}
        state: {running: {startedAt: {{ $now | Quote }}}}
      {{ end }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ or .status.startTime $now | Quote }}
`;

// Without a kubelet nobody confirms a graceful delete, so kwok finishes it.
const podDelete = `
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-delete}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: Exists}
  next:
    delete: true
`;

/** The kwok configuration file: every stage as one multi-document YAML. */
export function kwokStagesYaml(): string {
  return [nodeInitialize, nodeHeartbeat, podReady, podCrashLoop, podDelete].map((s) => s.trim()).join('\n---\n') + '\n';
}
