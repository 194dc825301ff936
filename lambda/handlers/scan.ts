/**
 * Scheduled scan handler (EventBridge rule, DESIGN.md §3): wires the AWS adapters once per container
 * and runs `runScan`. One scan at a time is guaranteed by the function's reserved concurrency of 1;
 * the history store's conditional writes guard the modification-event handler running beside it.
 */
import type { Context } from 'aws-lambda';
import { rdsNotDeployedPorts } from './rds-not-deployed';
import { rdsScanPorts } from './rds-wiring';
import { createWiredScan, type HandlerOptions, type RdsPortsFactory } from './wiring';

/**
 * The RDS ports factory. The CDK construct defines `process.env.GUARDIAN_BUNDLE_RDS` as "false" when
 * the deployed policy does not enable `rds`; esbuild then tree-shakes `rds-wiring.ts` and the RDS client
 * out of the bundle (`rdsScanPorts` is unused). Unset (tests, the CLI) or "true": the real RDS ports.
 */
const rdsPorts: RdsPortsFactory =
  process.env.GUARDIAN_BUNDLE_RDS === 'false' ? rdsNotDeployedPorts : rdsScanPorts;

/** What the scheduled scan returns (visible in test invokes; EventBridge ignores it). */
export interface ScanHandlerResult {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly volumesScanned: number;
  readonly counts: Record<string, number>;
  readonly errors: number;
  /** Volumes left for the next scan because time ran out. */
  readonly volumesDeferred: number;
}

/** Builds the scheduled-scan handler; tests inject clients, env and policy, Lambda uses the defaults. */
export function createScanHandler(
  options: HandlerOptions = {},
): (event: unknown, context: Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'invokedFunctionArn' | 'getRemainingTimeInMillis'>>) => Promise<ScanHandlerResult> {
  // The RDS pass's ports (policy `rds`): only this handler can carry the RDS client.
  const { run, logger } = createWiredScan({ rdsPorts, ...options });
  return async (_event, context) => {
    logger.addContext(context as Context);
    const remaining = context.getRemainingTimeInMillis?.bind(context);
    const report = await run({ runId: context.awsRequestId, heartbeat: true, functionArn: context.invokedFunctionArn, ...(remaining === undefined ? {} : { remainingTimeMs: remaining }) });
    return { runId: report.runId, dryRun: report.dryRun, volumesScanned: report.volumesScanned, counts: { ...report.counts }, errors: report.errors.length, volumesDeferred: report.volumesDeferred ?? 0 };
  };
}

/** The Lambda entry point (`lib/burst-guardian.ts` bundles this file). */
export const handler = createScanHandler();
