/**
 * `ProbeDistribution` (issues 6 and 17): the on-host probe as one self-contained Lambda layer
 * version per architecture (the probe bundle, its unit and the official Node binary: the host needs
 * no Node), an SSM Command document that picks the host's architecture, checks the manifest digest
 * and installs under /opt/burst-probe, an optional State Manager association by tag, the managed
 * policy instances need, and optionally the ECS daemon form (`ecsDaemon`).
 */
import { DockerImage, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GuardianPropsError } from '../lambda/core/errors';
import { PROBE_NAMESPACE } from '../lambda/shared/probe-metric-names';
import { ProbeEcsDaemon, type ProbeEcsDaemonOptions } from './probe-ecs-daemon';
import { ARCH_PARAMETERS, LAYER_VERSION_ARN_PATTERN, PROBE_ARGS_PATTERN, probeInstallScript, SHA256_PATTERN } from './probe-install-script';
import { buildProbePayload, linkTree, type ProbePayload } from './probe-layer-build';
import { PROBE_ARCHITECTURES, type ProbeArchitecture } from './probe-runtime';

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
  /** Also run the probe as an ECS daemon service on this cluster's EC2 instances. @default - no ECS service */
  readonly ecsDaemon?: ProbeEcsDaemonOptions;
}

/** Lambda's name for each host architecture. */
const LAMBDA_ARCHITECTURE: Record<ProbeArchitecture, lambda.Architecture> = { x86_64: lambda.Architecture.X86_64, aarch64: lambda.Architecture.ARM_64 };

/** The probe's layers, install document, optional association and ECS daemon, and instance policy. */
export class ProbeDistribution extends Construct {
  /** One layer version per host architecture, each holding `burst-probe/{bin/node,burst-probe.mjs,burst-probe.service,SHA256SUMS}`. */
  readonly layers: Readonly<Record<ProbeArchitecture, lambda.LayerVersion>>;
  /** What each layer holds (its directory and manifest digest). */
  readonly payloads: Readonly<Record<ProbeArchitecture, ProbePayload>>;
  /** SSM Command document: pick the architecture's layer, fetch it, check it, install the unit, (re)start the service. */
  readonly installDocument: ssm.CfnDocument;
  /** The association, when `associationTarget` is given. */
  readonly association?: ssm.CfnAssociation;
  /** Attach to the instance role: layer download and PutMetricData into the probe namespace. */
  readonly instancePolicy: iam.ManagedPolicy;
  /** The ECS daemon, when `ecsDaemon` is given. */
  readonly ecsDaemon?: ProbeEcsDaemon;

  constructor(scope: Construct, id: string, props: ProbeDistributionProps = {}) {
    super(scope, id);
    const probeArgs = props.probeArgs ?? '--interval 60s';
    if (!new RegExp(PROBE_ARGS_PATTERN).test(probeArgs)) {
      throw new GuardianPropsError(`probeArgs may hold only letters, digits, spaces and . / : = _ , -: got '${probeArgs}'`);
    }
    const probeNamespace = props.probeNamespace ?? PROBE_NAMESPACE;
    const payloads = Object.fromEntries(PROBE_ARCHITECTURES.map((arch) => [arch, buildProbePayload(arch)])) as Record<ProbeArchitecture, ProbePayload>;
    this.payloads = payloads;
    this.layers = Object.fromEntries(PROBE_ARCHITECTURES.map((arch) => [arch, this.createLayer(payloads[arch])])) as Record<ProbeArchitecture, lambda.LayerVersion>;
    this.installDocument = this.createInstallDocument(probeArgs);
    if (props.associationTarget !== undefined) {
      const target = props.associationTarget;
      this.association = new ssm.CfnAssociation(this, 'Association', {
        name: this.installDocument.ref,
        targets: [{ key: `tag:${target.tagKey}`, values: [...target.tagValues] }],
        parameters: { ...this.documentDefaults(), ProbeArgs: [probeArgs] },
        scheduleExpression: props.associationSchedule ?? 'rate(1 day)',
        maxConcurrency: '10%',
        maxErrors: '10%',
        complianceSeverity: 'MEDIUM',
      });
    }
    this.instancePolicy = this.createInstancePolicy(probeNamespace);
    if (props.ecsDaemon !== undefined) this.ecsDaemon = new ProbeEcsDaemon(this, 'EcsDaemon', { ...props.ecsDaemon, probeNamespace });
  }

  private createLayer(payload: ProbePayload): lambda.LayerVersion {
    return new lambda.LayerVersion(this, payload.arch === 'x86_64' ? 'LayerX8664' : 'LayerArm64', {
      description: `ebs-burst-guardian on-host probe for ${payload.arch} hosts, with Node ${payload.nodeVersion} (manifest sha256 ${payload.manifestSha256})`,
      // The manifest digest covers every file: no need for CDK to hash 120 MB again. "Bundling"
      // by hard links: a synth that skips bundling stages nothing, one that stages copies nothing.
      code: lambda.Code.fromAsset(payload.dir, {
        assetHash: payload.manifestSha256,
        bundling: { image: DockerImage.fromRegistry('unused-local-bundling-only'), local: { tryBundle: (outputDir) => linkTree(payload.dir, outputDir) } },
      }),
      compatibleArchitectures: [LAMBDA_ARCHITECTURE[payload.arch]],
      license: 'Apache-2.0 (probe), MIT and others (Node.js: burst-probe/bin/NODE-LICENSE)',
    });
  }

  /** Per architecture: this build's layer version and manifest digest (SSM parameter values). */
  private documentDefaults(): Record<string, string[]> {
    return Object.fromEntries(PROBE_ARCHITECTURES.flatMap((arch) => [
      [ARCH_PARAMETERS[arch].layer, [this.layers[arch].layerVersionArn]],
      [ARCH_PARAMETERS[arch].manifest, [this.payloads[arch].manifestSha256]],
    ]));
  }

  /**
   * The Command document: parameters pattern-checked, defaulting to this build's layers and
   * digests. A new build changes the defaults, so CloudFormation replaces the document and the
   * association, and a new association runs at once: the fleet upgrades on deploy.
   */
  private createInstallDocument(probeArgs: string): ssm.CfnDocument {
    const parameters: Record<string, unknown> = {};
    for (const arch of PROBE_ARCHITECTURES) {
      parameters[ARCH_PARAMETERS[arch].layer] = { type: 'String', description: `Probe layer version for ${arch} hosts`, default: this.layers[arch].layerVersionArn, allowedPattern: LAYER_VERSION_ARN_PATTERN };
      parameters[ARCH_PARAMETERS[arch].manifest] = { type: 'String', description: `SHA-256 of that layer's burst-probe/SHA256SUMS`, default: this.payloads[arch].manifestSha256, allowedPattern: SHA256_PATTERN };
    }
    parameters['ProbeArgs'] = { type: 'String', default: probeArgs, allowedPattern: PROBE_ARGS_PATTERN };
    return new ssm.CfnDocument(this, 'InstallDocument', {
      documentType: 'Command',
      documentFormat: 'JSON',
      content: {
        schemaVersion: '2.2',
        description: 'Install or upgrade the ebs-burst-guardian probe (with its own Node runtime) from the layer version of the host architecture, and (re)start it under systemd.',
        parameters,
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
        new iam.PolicyStatement({ sid: 'DownloadProbeLayer', actions: ['lambda:GetLayerVersion'], resources: PROBE_ARCHITECTURES.map((arch) => this.layers[arch].layerVersionArn) }),
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
