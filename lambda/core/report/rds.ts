/**
 * The RDS part of finance's report (issue 15 part 2): every storage change the guardian asked RDS
 * for in the period, with its account, region, from/to storage type, size, status and the monthly
 * cost change it recorded (RDS storage prices, not EBS's: the RDS records stay out of the volume
 * costs). RDS DB instances are never moved back, so there are no reverts or round trips to show.
 */
import type { HistoryEvent, ModificationRecord, ModificationRecordStatus } from '../ports';
import { isRdsResourceKey } from '../rds-ports';
import type { ReportPeriod } from './types';

/** One storage change of one DB instance. */
export interface RdsStorageChangeLine {
  readonly identifier: string;
  readonly engine?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly requestedEpochSeconds: number;
  readonly status: ModificationRecordStatus;
  readonly dryRun: boolean;
  readonly fromStorageType: string;
  readonly toStorageType: string;
  readonly sizeGiB: number;
  readonly monthlyCostDeltaUSD: number;
  readonly reason: string;
}

/** The RDS section: changes in the period, and alerts sent about DB instances. */
export interface RdsReport {
  readonly changes: readonly RdsStorageChangeLine[];
  readonly alertsSent: number;
}

/** The RDS section of the report from the period's events and every record. */
export function buildRdsReport(period: ReportPeriod, events: readonly HistoryEvent[], records: readonly ModificationRecord[]): RdsReport {
  const inPeriod = (t: number): boolean => t >= period.sinceEpochSeconds && t < period.untilEpochSeconds;
  const changes = records
    .filter((r) => isRdsResourceKey(r.volumeId) && inPeriod(r.requestedEpochSeconds))
    .sort((a, b) => a.requestedEpochSeconds - b.requestedEpochSeconds)
    .map((r) => ({
      identifier: r.resource?.identifier ?? r.volumeId.slice('rds:'.length),
      ...(r.resource?.engine === undefined ? {} : { engine: r.resource.engine }),
      ...(r.accountId === undefined ? {} : { accountId: r.accountId }),
      ...(r.region === undefined ? {} : { region: r.region }),
      requestedEpochSeconds: r.requestedEpochSeconds, status: r.status, dryRun: r.dryRun,
      fromStorageType: r.from.type, toStorageType: r.to.type, sizeGiB: r.sizeGiB, monthlyCostDeltaUSD: r.monthlyCostDeltaUSD, reason: r.reason,
    }));
  const alertsSent = events.filter((e) => isRdsResourceKey(e.volumeId) && e.kind === 'alert' && inPeriod(e.tEpochSeconds)).length;
  return { changes, alertsSent };
}
