/**
 * The decision engine's input and output values (DESIGN.md §5). Expected outcomes are tagged
 * unions with reasons a person can read (STYLE.md §3).
 */
import type { LedgerBlock } from './ledger';
import type { Policy, PolicyOverride } from '../policy/schema';
import type { InstanceEbsBalance, ModificationRecord } from '../ports';
import type { InstanceBucketForecast } from '../forecast/instance';
import type { PriceBook } from './price-book';
import type { CostDelta } from './pricing';
import type { SizedTarget, SizingResult } from './sizing';
import type { Forecast, VolumeDescription, VolumeMetricSeries, VolumeModification, VolumeType } from '../types';

/** Budget consumption before this run's decisions. */
export interface BudgetState {
  /** Modifications already requested in this run (e.g. by an earlier batch). */
  readonly modificationsThisRun: number;
  /** Volumes currently away from their original type because of the guardian. */
  readonly volumesFlipped: number;
  /** Extra spend the guardian caused this calendar month, USD. */
  readonly monthToDateSpendUSD: number;
}

/** Everything `decide` needs; all maps are keyed by volume id. */
export interface DecideInput {
  readonly policy: Policy;
  /** Region for prices (falls back to the policy's region, then us-east-1). */
  readonly region?: string;
  /** The region's prices with their origins (price-book.ts); absent = the bundled table. */
  readonly prices?: PriceBook;
  readonly now: number;
  readonly volumes: readonly VolumeDescription[];
  readonly forecasts: ReadonlyMap<string, Forecast>;
  readonly metrics: ReadonlyMap<string, VolumeMetricSeries>;
  /** The guardian's modification records per volume. */
  readonly ledger: ReadonlyMap<string, readonly ModificationRecord[]>;
  /** AWS's latest modification per volume (DescribeVolumesModifications). */
  readonly awsModifications: ReadonlyMap<string, VolumeModification>;
  readonly budget: BudgetState;
  /** EBS burst balances of the volumes' instances, by instance id (absent = not read). */
  readonly instanceBalances?: ReadonlyMap<string, InstanceEbsBalance>;
  /** Forecasts of those instances' buckets, for the sizes whose bucket the table knows (absent = none). */
  readonly instanceForecasts?: ReadonlyMap<string, InstanceBucketForecast>;
}

/** A configuration a volume is modified to. */
export interface ModificationTarget {
  readonly type: VolumeType;
  readonly iops?: number;
  readonly throughputMiBps?: number;
}

/** Why a wanted modification did not happen. */
export type BlockReason = LedgerBlock | 'budget-per-run' | 'budget-flipped' | 'budget-monthly' | 'revert-window' | 'no-target' | 'instance-bucket';

/** Why a volume is not looked at. */
export type SkipReason = 'not-selected' | 'not-burstable' | 'no-data';

/** Alert severity. */
export type AlertSeverity = 'warning' | 'critical';

interface DecisionBase {
  readonly volumeId: string;
  readonly reasons: readonly string[];
  /** The override that applied, by name. */
  readonly override?: string;
}

/** One volume's decision. */
export type Decision = DecisionBase &
  (
    | { readonly kind: 'ok' }
    | { readonly kind: 'watch'; readonly forecast: Forecast }
    | { readonly kind: 'alert'; readonly severity: AlertSeverity; readonly forecast: Forecast }
    | {
        readonly kind: 'rescue';
        readonly from: ModificationTarget;
        readonly target: SizedTarget;
        readonly sizing: SizingResult;
        readonly cost: CostDelta;
        /** The forecast that triggered it (undefined for an immediate override). */
        readonly forecast?: Forecast;
        /** Seconds to empty, for ordering rescues when the budget is short (0 when empty now). */
        readonly urgencySeconds: number;
        readonly burstBalancePercent?: number;
        readonly dryRun: boolean;
        /** The planned critical window this flip is for (schedule.ts); absent for a rescue. */
        readonly schedule?: string;
      }
    | {
        readonly kind: 'revert';
        readonly from: ModificationTarget;
        readonly target: ModificationTarget;
        readonly cost: CostDelta;
        /** Lowest shadow-bucket balance over the trailing window (absent for a scheduled revert). */
        readonly shadowMinBalancePercent?: number;
        readonly dryRun: boolean;
        /** The planned critical window that ended (schedule.ts); absent for a shadow-bucket revert. */
        readonly schedule?: string;
      }
    | {
        readonly kind: 'stay-recommendation';
        readonly current: ModificationTarget;
        readonly original: ModificationTarget;
        /** The configuration to stay on: gp3 at its included 3,000 IOPS / 125 MiB/s, or the current one. */
        readonly recommended: ModificationTarget;
        /** What staying on `recommended` saves per month compared with going back (positive). */
        readonly savingMonthlyUSD: number;
      }
    | { readonly kind: 'blocked'; readonly wanted: 'rescue' | 'revert'; readonly block: BlockReason; readonly nextAllowedEpochSeconds?: number; readonly severity?: AlertSeverity }
    | { readonly kind: 'skip'; readonly skip: SkipReason }
  );

/** Kinds of Decision. */
export type DecisionKind = Decision['kind'];

/** The context of one volume's decision, resolved once. */
export interface VolumeContext {
  readonly volume: VolumeDescription;
  readonly policy: Policy;
  readonly override: PolicyOverride | undefined;
  readonly region: string;
  readonly prices?: PriceBook;
  readonly now: number;
  readonly forecast: Forecast | undefined;
  readonly metrics: VolumeMetricSeries | undefined;
  readonly records: readonly ModificationRecord[];
  readonly latest: VolumeModification | undefined;
  /** The EBS burst balance of the volume's instance, when read. */
  readonly instanceBalance?: InstanceEbsBalance;
  /** The forecast of that instance's bucket, when its size is in the table. */
  readonly instanceForecast?: InstanceBucketForecast;
}
