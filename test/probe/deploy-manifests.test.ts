/**
 * deploy/k8s and deploy/ecs validate against their schemas, offline: the DaemonSet manifest's
 * documents against the Kubernetes OpenAPI schemas that `kubernetes-models` ships (a JSON-schema
 * check like kubeconform's), the ECS task definition through CDK's own CloudFormation validator
 * with a round trip that would drop, and so expose, any property AWS does not know. Then: each
 * asks for exactly the documented mounts and no more privilege.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { probeHostMounts } from '../../lib/probe-ecs-daemon';

const DEPLOY = join(__dirname, '..', '..', 'deploy');
const MODELS: Record<string, new (data: never) => { validate(): void }> = { 'v1/Namespace': Namespace, 'v1/ServiceAccount': ServiceAccount, 'apps/v1/DaemonSet': DaemonSet };

interface K8sDoc { apiVersion: string; kind: string; spec?: { template: { spec: K8sPodSpec } } }
interface K8sPodSpec {
  hostNetwork?: boolean; hostPID?: boolean; hostIPC?: boolean;
  volumes: { name: string; hostPath: { path: string; type: string } }[];
  containers: { args: string[]; securityContext: Record<string, unknown>; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[];
}

function k8sDocs(): K8sDoc[] {
  return parseAllDocuments(readFileSync(join(DEPLOY, 'k8s', 'burst-probe-daemonset.yaml'), 'utf8')).map((d) => d.toJS() as K8sDoc);
}

describe('deploy/k8s/burst-probe-daemonset.yaml', () => {
  const docs = k8sDocs();

  it.each(docs.map((d) => [`${d.apiVersion}/${d.kind}`, d] as const))('%s validates against the Kubernetes schema', (key, doc) => {
    const Model = MODELS[key];
    expect(Model).toBeDefined();
    expect(() => new (Model as new (data: K8sDoc) => { validate(): void })(doc).validate()).not.toThrow();
  });

  it('rejects a manifest the schema forbids (the check can fail)', () => {
    const broken = structuredClone(docs.find((d) => d.kind === 'DaemonSet')) as K8sDoc & { spec: { selector?: unknown } };
    delete broken.spec.selector;
    expect(() => new DaemonSet(broken as never).validate()).toThrow(/selector/);
  });

  it('mounts only the containerd socket and /proc read-only and the containerd data root, with no capabilities and no host namespaces', () => {
    const pod = docs.find((d) => d.kind === 'DaemonSet')?.spec?.template.spec as K8sPodSpec;
    expect(pod.volumes.map((v) => [v.name, v.hostPath.path, v.hostPath.type])).toEqual([['runtime-socket', '/run/containerd/containerd.sock', 'Socket'], ['host-proc', '/proc', 'Directory'], ['data-root', '/var/lib/containerd', 'Directory']]);
    const [container] = pod.containers;
    expect(container?.volumeMounts).toEqual([
      { name: 'runtime-socket', mountPath: '/run/containerd/containerd.sock', readOnly: true },
      { name: 'host-proc', mountPath: '/host/proc', readOnly: true },
      { name: 'data-root', mountPath: '/var/lib/containerd' },
    ]);
    expect(container?.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect([pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([undefined, undefined, undefined]);
    expect(container?.args).toEqual(['--interval', '60s', '--containerd-socket', '/run/containerd/containerd.sock', '--proc-root', '/host/proc', '--sync-dir', '/var/lib/containerd']);
  });
});

/** CloudFormation's spelling of an ECS API document: keys capitalized, map keys (log options) kept. */
function pascalize(value: unknown, isMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => pascalize(v));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [isMap ? k : k[0]?.toUpperCase() + k.slice(1), pascalize(v, k === 'options')]));
}

describe('deploy/ecs/burst-probe-task-definition.json', () => {
  const file = JSON.parse(readFileSync(join(DEPLOY, 'ecs', 'burst-probe-task-definition.json'), 'utf8')) as ecs.CfnTaskDefinitionProps & { containerDefinitions: Record<string, unknown>[] };

  function synthesized(props: ecs.CfnTaskDefinitionProps): unknown {
    const app = new App();
    new ecs.CfnTaskDefinition(new Stack(app, 'Ecs'), 'Task', props);
    const template = app.synth().getStackByName('Ecs').template as { Resources: Record<string, { Properties: unknown }> };
    return Object.values(template.Resources)[0]?.Properties;
  }

  it('passes CloudFormation\'s validation of AWS::ECS::TaskDefinition and keeps every property it names', () => {
    expect(synthesized(file)).toEqual(pascalize(file));
  });

  it.each([
    ['a property AWS does not know', { ...file, containerDefinitions: [{ ...file.containerDefinitions[0], securityContex: {} }] }, 'drop'],
    ['a wrong type', { ...file, containerDefinitions: [{ ...file.containerDefinitions[0], readonlyRootFilesystem: 'yes' }] }, 'throw'],
  ])('exposes %s (the check can fail)', (_label, broken, how) => {
    if (how === 'throw') expect(() => synthesized(broken as ecs.CfnTaskDefinitionProps)).toThrow(/readonlyRootFilesystem/);
    else expect(synthesized(broken as ecs.CfnTaskDefinitionProps)).not.toEqual(pascalize(broken));
  });

  it('mounts exactly the documented host paths, the socket and /proc read-only, and drops every capability', () => {
    const container = file.containerDefinitions[0] as ecs.CfnTaskDefinition.ContainerDefinitionProperty;
    const mounts = probeHostMounts('/var/lib/docker');
    expect(file.volumes).toEqual(mounts.map((m) => ({ name: m.name, host: { sourcePath: m.hostPath } })));
    expect(container.mountPoints).toEqual(mounts.map((m) => ({ sourceVolume: m.name, containerPath: m.containerPath, readOnly: m.readOnly })));
    expect(container).toMatchObject({ privileged: false, readonlyRootFilesystem: true, linuxParameters: { capabilities: { drop: ['ALL'] } } });
    expect(file.networkMode).toBe('bridge');
    expect(file).not.toHaveProperty('pidMode');
  });
});
