/**
 * The ECS form as a ProbeDistribution option: a daemon service (one task per container instance)
 * whose task definition mounts exactly the documented host paths, drops every capability, runs on
 * a read-only root, may publish only into the probe namespace, and agrees with
 * deploy/ecs/burst-probe-task-definition.json. cdk-nag runs over it.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardianPropsError } from '../../lambda/core/errors';
import { ProbeDistribution } from '../../lib/probe-distribution';
import type { ProbeEcsDaemonOptions } from '../../lib/probe-ecs-daemon';
import { reportedViolations, SKIP_BUNDLING, tempOutdir } from './synth-helpers';

const out = tempOutdir();
let template: Template;
const IMAGE = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/burst-probe:1';

function ecsOptions(stack: Stack, overrides: Partial<ProbeEcsDaemonOptions> = {}): ProbeEcsDaemonOptions {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] });
  return { cluster: ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'fleet', vpc }), image: ecs.ContainerImage.fromRegistry(IMAGE), ...overrides };
}

beforeAll(() => {
  const app = new App({ outdir: out.dir });
  const stack = new Stack(app, 'ProbeEcs', { env: { account: '111122223333', region: 'eu-west-1' } });
  new ProbeDistribution(stack, 'Probe', { ecsDaemon: ecsOptions(stack, { probeArgs: '--interval 30s' }) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  template = Template.fromJSON(app.synth().getStackByName('ProbeEcs').template as Record<string, unknown>);
}, 120_000);
afterAll(() => out.dispose());

describe('ProbeDistribution with ecsDaemon', () => {
  it('runs one probe task per EC2 container instance (DAEMON scheduling)', () => {
    template.hasResourceProperties('AWS::ECS::Service', { SchedulingStrategy: 'DAEMON', LaunchType: 'EC2', Cluster: 'fleet' });
  });

  it('mounts the runtime socket and /proc read-only and the data root read-write, nothing else', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      NetworkMode: 'bridge',
      RequiresCompatibilities: ['EC2'],
      Volumes: [
        { Name: 'runtime-socket', Host: { SourcePath: '/var/run/docker.sock' } },
        { Name: 'host-proc', Host: { SourcePath: '/proc' } },
        { Name: 'data-root', Host: { SourcePath: '/var/lib/docker' } },
      ],
      ContainerDefinitions: [Match.objectLike({
        Image: IMAGE,
        Command: ['--interval', '30s', '--socket', '/var/run/docker.sock', '--proc-root', '/host/proc'],
        MountPoints: [
          { SourceVolume: 'runtime-socket', ContainerPath: '/var/run/docker.sock', ReadOnly: true },
          { SourceVolume: 'host-proc', ContainerPath: '/host/proc', ReadOnly: true },
          { SourceVolume: 'data-root', ContainerPath: '/var/lib/docker', ReadOnly: false },
        ],
        Privileged: false,
        ReadonlyRootFilesystem: true,
        User: '0',
        LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true },
      })],
    });
  });

  it('agrees with deploy/ecs/burst-probe-task-definition.json on mounts, volumes and privileges', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'ecs', 'burst-probe-task-definition.json'), 'utf8')) as {
      volumes: { name: string; host: { sourcePath: string } }[];
      containerDefinitions: { mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[]; linuxParameters: unknown; user: string; privileged: boolean; readonlyRootFilesystem: boolean }[];
    };
    const task = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0]?.Properties as {
      Volumes: { Name: string; Host: { SourcePath: string } }[];
      ContainerDefinitions: { MountPoints: { SourceVolume: string; ContainerPath: string; ReadOnly: boolean }[]; User: string; Privileged: boolean; ReadonlyRootFilesystem: boolean }[];
    };
    const container = file.containerDefinitions[0];
    expect(task.Volumes.map((v) => [v.Name, v.Host.SourcePath])).toEqual(file.volumes.map((v) => [v.name, v.host.sourcePath]));
    expect(task.ContainerDefinitions[0]?.MountPoints.map((m) => [m.SourceVolume, m.ContainerPath, m.ReadOnly])).toEqual(container?.mountPoints.map((m) => [m.sourceVolume, m.containerPath, m.readOnly]));
    expect([task.ContainerDefinitions[0]?.User, task.ContainerDefinitions[0]?.Privileged, task.ContainerDefinitions[0]?.ReadonlyRootFilesystem]).toEqual([container?.user, container?.privileged, container?.readonlyRootFilesystem]);
  });

  it('lets the task publish only into the probe namespace', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'EbsBurstGuardian/Probe' } } })]) },
    });
  });

  it('passes AwsSolutionsChecks with no unacknowledged error', () => {
    expect(reportedViolations(out.dir).filter((v) => v.severity !== 'warning')).toEqual([]);
  });

  it.each([
    ['probeArgs that could break out', { probeArgs: '--interval 60s; reboot' }, /ecsDaemon.probeArgs/],
    ['a relative data root', { dataRoot: 'var/lib/docker' }, /ecsDaemon.dataRoot must be an absolute path: got 'var\/lib\/docker'/],
  ])('rejects %s', (_label, overrides, message) => {
    const stack = new Stack(new App({ context: { ...SKIP_BUNDLING } }), 'Bad');
    const error = ((): unknown => {
      try {
        new ProbeDistribution(stack, 'Probe', { ecsDaemon: ecsOptions(stack, overrides) });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GuardianPropsError);
    expect((error as Error).message).toMatch(message);
  });
});
