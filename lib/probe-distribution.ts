/**
 * `ProbeDistribution` (issue 6): the on-host probe bundled by the local esbuild into a Lambda layer
 * version (the versioned, shareable artifact), an SSM Command document that installs it on an
 * instance, an optional State Manager association by tag, and the managed policy instances need.
 */
import { DockerImage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GuardianPropsError } from '../lambda/core/errors';
import { PROBE_NAMESPACE } from '../lambda/shared/probe-metric-names';
import { PROJECT_ROOT } from './guardian-function';
import { LAYER_VERSION_ARN_PATTERN, PROBE_ARGS_PATTERN, probeInstallScript } from './probe-install-script';

/** Instances the State Manager association installs the probe on. */
export interface ProbeAssociationTarget {
  /** EC2 tag key, e.g. `burst-probe`. */
  readonly tagKey: string;
  /** Accepted tag values, e.g. `['enabled']`. */
  readonly tagValues: readonly string[];
}

/** Props of `ProbeDistribution`. */
export interface ProbeDistributionProps {
  /** Probe command-line options written to /etc/default/burst-probe. @default '--interval 60s' */
  readonly probeArgs?: string;
  /** Install on every instance with this tag, and re-apply on schedule. @default - no association (run the document yourself) */
  readonly associationTarget?: ProbeAssociationTarget;
  /** How often the association re-applies (e.g. installs on new instances' drift). @default 'rate(1 day)' */
  readonly associationSchedule?: string;
  /** Namespace the probe publishes to (the instance policy's PutMetricData condition). @default 'EbsBurstGuardian/Probe' */
  readonly probeNamespace?: string;
}

/** Node version the bundle targets: Amazon Linux 2023 ships Node 20 and 22. */
const INSTANCE_NODE_TARGET = 'node20';

/** The probe's layer, install document, optional association and instance policy. */
export class ProbeDistribution extends Construct {
  /** The probe bundle (`burst-probe/burst-probe.mjs`) and its unit (`burst-probe/burst-probe.service`). */
  readonly layer: lambda.LayerVersion;
  /** SSM Command document: fetch the layer, install the unit, (re)start the service. */
  readonly installDocument: ssm.CfnDocument;
  /** The association, when `associationTarget` is given. */
  readonly association?: ssm.CfnAssociation;
  /** Attach to the instance role: layer download and PutMetricData into the probe namespace. */
  readonly instancePolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ProbeDistributionProps = {}) {
    super(scope, id);
    const probeArgs = props.probeArgs ?? '--interval 60s';
    if (!new RegExp(PROBE_ARGS_PATTERN).test(probeArgs)) {
      throw new GuardianPropsError(`probeArgs may hold only letters, digits, spaces and . / : = _ , -: got '${probeArgs}'`);
    }
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: 'ebs-burst-guardian on-host probe: burst-probe/burst-probe.mjs and burst-probe/burst-probe.service',
      code: lambda.Code.fromAsset(join(PROJECT_ROOT, 'lambda', 'probe'), {
        bundling: { image: DockerImage.fromRegistry('unused-local-bundling-only'), local: { tryBundle: bundleProbe } },
      }),
      compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
      license: 'Apache-2.0',
    });
    this.installDocument = this.createInstallDocument(probeArgs);
    if (props.associationTarget !== undefined) {
      const target = props.associationTarget;
      this.association = new ssm.CfnAssociation(this, 'Association', {
        name: this.installDocument.ref,
        targets: [{ key: `tag:${target.tagKey}`, values: [...target.tagValues] }],
        parameters: { LayerVersionArn: [this.layer.layerVersionArn], ProbeArgs: [probeArgs] },
        scheduleExpression: props.associationSchedule ?? 'rate(1 day)',
        maxConcurrency: '10%',
        maxErrors: '10%',
        complianceSeverity: 'MEDIUM',
      });
    }
    this.instancePolicy = this.createInstancePolicy(props.probeNamespace ?? PROBE_NAMESPACE);
  }

  /**
   * The Command document: parameters pattern-checked, defaulting to this layer version. A new probe
   * build changes the default, so CloudFormation replaces the document and the association, and a
   * new association runs at once: the fleet upgrades on deploy.
   */
  private createInstallDocument(probeArgs: string): ssm.CfnDocument {
    return new ssm.CfnDocument(this, 'InstallDocument', {
      documentType: 'Command',
      documentFormat: 'JSON',
      content: {
        schemaVersion: '2.2',
        description: 'Install or upgrade the ebs-burst-guardian probe from a Lambda layer version and (re)start it under systemd.',
        parameters: {
          LayerVersionArn: { type: 'String', default: this.layer.layerVersionArn, allowedPattern: LAYER_VERSION_ARN_PATTERN },
          ProbeArgs: { type: 'String', default: probeArgs, allowedPattern: PROBE_ARGS_PATTERN },
        },
        mainSteps: [
          { action: 'aws:runShellScript', name: 'installBurstProbe', precondition: { StringEquals: ['platformType', 'Linux'] }, inputs: { timeoutSeconds: '300', runCommand: probeInstallScript() } },
        ],
      },
    });
  }

  private createInstancePolicy(probeNamespace: string): iam.ManagedPolicy {
    const policy = new iam.ManagedPolicy(this, 'InstancePolicy', {
      description: 'ebs-burst-guardian probe on an instance: download the layer, publish to the probe namespace (attach with AmazonSSMManagedInstanceCore)',
      statements: [
        new iam.PolicyStatement({ sid: 'DownloadProbeLayer', actions: ['lambda:GetLayerVersion'], resources: [this.layer.layerVersionArn] }),
        new iam.PolicyStatement({
          sid: 'PutProbeMetrics',
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': probeNamespace } },
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to the probe namespace.',
    });
    return policy;
  }
}

/** Local bundling: esbuild's API, never Docker. Returns true so CDK never falls back to the image. */
function bundleProbe(outputDir: string): boolean {
  const dir = join(outputDir, 'burst-probe');
  mkdirSync(dir, { recursive: true });
  buildSync({
    entryPoints: [join(PROJECT_ROOT, 'bin', 'burst-probe.ts')],
    outfile: join(dir, 'burst-probe.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: INSTANCE_NODE_TARGET,
    minify: true,
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM still call require(): give them one.
    banner: { js: "import { createRequire as __probeCreateRequire } from 'node:module';const require = __probeCreateRequire(import.meta.url);" },
  });
  copyFileSync(join(PROJECT_ROOT, 'deploy', 'burst-probe.service'), join(dir, 'burst-probe.service'));
  return true;
}
