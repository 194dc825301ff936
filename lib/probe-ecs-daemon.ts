/**
 * `ProbeEcsDaemon`: the probe's container image as an ECS daemon service (one task per EC2
 * container instance), with exactly the host mounts docs/probe.md lists: the runtime socket and
 * /proc read-only, the data root read-write for the sync-write check; no capabilities, a read-only
 * root filesystem, bridge networking. deploy/ecs/burst-probe-task-definition.json is the same task
 * for people without CDK; a test keeps the two equal.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GuardianPropsError } from '../lambda/core/errors';
import { PROBE_ARGS_PATTERN } from './probe-install-script';

/** What the caller chooses for the ECS form. */
export interface ProbeEcsDaemonOptions {
  /** The ECS cluster whose EC2 container instances get one probe each. */
  readonly cluster: ecs.ICluster;
  /** The probe image (deploy/container/build-image.sh, pushed to ECR). */
  readonly image: ecs.ContainerImage;
  /** Extra probe options, e.g. '--interval 60s'. @default '--interval 60s' */
  readonly probeArgs?: string;
  /** The container runtime's data root on the host (sync-write and the volume lookup). @default '/var/lib/docker' (the ECS-optimized AMI) */
  readonly dataRoot?: string;
  /** How long the probe's log lines are kept. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** Props of `ProbeEcsDaemon`. */
export interface ProbeEcsDaemonProps extends ProbeEcsDaemonOptions {
  /** The namespace the task role may publish to. */
  readonly probeNamespace: string;
}

/** A host path mounted into the probe container, and why. */
export interface ProbeHostMount {
  readonly name: string;
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** The container's mounts, in the order the task definition lists them. */
export function probeHostMounts(dataRoot: string): ProbeHostMount[] {
  return [
    { name: 'runtime-socket', hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock', readOnly: true },
    { name: 'host-proc', hostPath: '/proc', containerPath: '/host/proc', readOnly: true },
    { name: 'data-root', hostPath: dataRoot, containerPath: dataRoot, readOnly: false },
  ];
}

/** The probe as an ECS daemon service. */
export class ProbeEcsDaemon extends Construct {
  readonly taskDefinition: ecs.Ec2TaskDefinition;
  readonly service: ecs.Ec2Service;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProbeEcsDaemonProps) {
    super(scope, id);
    const probeArgs = props.probeArgs ?? '--interval 60s';
    if (!new RegExp(PROBE_ARGS_PATTERN).test(probeArgs)) throw new GuardianPropsError(`ecsDaemon.probeArgs may hold only letters, digits, spaces and . / : = _ , -: got '${probeArgs}'`);
    const dataRoot = props.dataRoot ?? '/var/lib/docker';
    if (!/^\/[A-Za-z0-9._/-]+$/.test(dataRoot)) throw new GuardianPropsError(`ecsDaemon.dataRoot must be an absolute path: got '${dataRoot}'`);
    const mounts = probeHostMounts(dataRoot);
    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      networkMode: ecs.NetworkMode.BRIDGE,
      volumes: mounts.map((m) => ({ name: m.name, host: { sourcePath: m.hostPath } })),
    });
    this.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
      sid: 'PutProbeMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': props.probeNamespace } },
    }));
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const linuxParameters = new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true });
    linuxParameters.dropCapabilities(ecs.Capability.ALL);
    const container = this.taskDefinition.addContainer('probe', {
      image: props.image,
      command: [...probeArgs.split(/\s+/).filter((a) => a !== ''), '--socket', '/var/run/docker.sock', '--proc-root', '/host/proc'],
      // Root only to open the root-owned socket and data root; with no capabilities it cannot override permissions.
      user: '0',
      readonlyRootFilesystem: true,
      privileged: false,
      memoryReservationMiB: 64,
      memoryLimitMiB: 160,
      cpu: 64,
      linuxParameters,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'burst-probe', logGroup: this.logGroup }),
      stopTimeout: Duration.seconds(30),
    });
    container.addMountPoints(...mounts.map((m) => ({ sourceVolume: m.name, containerPath: m.containerPath, readOnly: m.readOnly })));
    this.service = new ecs.Ec2Service(this, 'Service', { cluster: props.cluster, taskDefinition: this.taskDefinition, daemon: true });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to the probe namespace.',
    });
  }
}
