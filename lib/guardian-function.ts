/**
 * One guardian Lambda function with the project's defaults (STYLE.md §7): nodejs24.x on arm64,
 * bundled by the local esbuild (never Docker) into minified ESM with the AWS SDK inside, source maps,
 * X-Ray tracing, its own log group with retention and its own role (no managed policies).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { Policy } from '../lambda/core/policy/policy';

/** The repository root: esbuild runs from here and resolves `node_modules` and the lock file. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** ESM bundles may still hold `require()` calls from CommonJS dependencies; give them one. */
const ESM_REQUIRE_BANNER = "import { createRequire as __guardianCreateRequire } from 'module';const require = __guardianCreateRequire(import.meta.url);";

/** Props of `GuardianFunction`. */
export interface GuardianFunctionProps {
  /** Handler file relative to the repository root, exporting `handler`. */
  readonly entry: string;
  /** The validated policy, embedded in the bundle as `process.env.GUARDIAN_POLICY_JSON`. */
  readonly policy: Policy;
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySizeMiB: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** @default - no reserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  readonly description: string;
}

/** A guardian Lambda function, its log group and its execution role. */
export class GuardianFunction extends Construct {
  /** The function. */
  readonly function: NodejsFunction;
  /** Its execution role (permissions are added by the caller, statement by statement). */
  readonly role: iam.Role;
  /** Its log group, with retention. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GuardianFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    // An own role instead of AWSLambdaBasicExecutionRole: it writes only to its own log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of: ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySizeMiB,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the SDK instead of using the runtime's copy: pinned versions, tree-shaken, faster cold start.
        externalModules: [],
        banner: ESM_REQUIRE_BANNER,
        // The handler re-validates this JSON with the same schema at cold start.
        define: {
          'process.env.GUARDIAN_POLICY_JSON': JSON.stringify(JSON.stringify(props.policy)),
          // The RDS client goes into the scan bundle only when the deployed policy watches RDS
          // (lambda/handlers/scan.ts): the RDS IAM is granted on the same condition.
          'process.env.GUARDIAN_BUNDLE_RDS': JSON.stringify(props.policy.rds.enabled ? 'true' : 'false'),
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Async invokes go to an SQS on-failure destination (EventInvokeConfig), which AWS recommends over a DLQ: it keeps the request, the response and the error.',
    });
  }
}
