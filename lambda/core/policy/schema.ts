/**
 * The one zod schema of the policy file, used by the CDK app at synth time, the scan Lambda and the
 * CLI (STYLE.md §5). Every object is strict: an unknown key (a typo) is an error, never ignored.
 * Cross-field limits (e.g. an explicit io1 IOPS above AWS's maximum) are checked in `policy.ts`.
 */
import * as z from 'zod';
import { TARGET_LIMITS } from './target-limits';
import { scheduleProblem } from '../scan/schedule';
import { parseCron } from './cron';
import { scheduleConflicts } from '../decision/schedule-fit';
import { RdsPolicySchema } from './rds-schema';

/** `auto` = sized from observed demand with headroom; a number = exactly this much. */
const autoOr = (number: z.ZodNumber) => z.union([z.literal('auto'), number]);

const tagMatch = z
  .record(z.string().min(1), z.array(z.string()))
  .describe('tag key → allowed values; an empty list means "the key is present with any value"');

const rescueTargetType = z.enum(['gp3', 'io1', 'io2']);

/** A rescue target without its own fallback. */
const targetCore = {
  type: rescueTargetType.default('gp3').describe('volume type to flip to'),
  iops: autoOr(z.number().int().positive()).default('auto').describe('provisioned IOPS, or auto'),
  throughputMiBps: autoOr(z.number().int().positive())
    .default('auto')
    .describe('gp3 only: provisioned throughput MiB/s, or auto'),
};

/**
 * Explicit values must be within the type's absolute limits (per-GiB limits depend on the volume:
 * sizing clamps those). Limits and sources: policy-target-limits.ts.
 */
function checkTargetLimits(target: { type: 'gp3' | 'io1' | 'io2'; iops: number | 'auto'; throughputMiBps: number | 'auto' }, ctx: z.RefinementCtx): void {
  const limits = TARGET_LIMITS[target.type];
  if (typeof target.iops === 'number' && (target.iops < limits.minIops || target.iops > limits.maxIops)) {
    ctx.addIssue({ code: 'custom', path: ['iops'], message: `${target.type} IOPS must be ${limits.minIops}–${limits.maxIops}, got ${target.iops}` });
  }
  const t = limits.throughput;
  if (typeof target.throughputMiBps !== 'number') return;
  if (t === undefined) {
    ctx.addIssue({ code: 'custom', path: ['throughputMiBps'], message: `throughput is provisioned only on gp3, not ${target.type}: use auto` });
  } else if (target.throughputMiBps < t.minMiBps || target.throughputMiBps > t.maxMiBps) {
    ctx.addIssue({ code: 'custom', path: ['throughputMiBps'], message: `gp3 throughput must be ${t.minMiBps}–${t.maxMiBps} MiB/s, got ${target.throughputMiBps}` });
  } else if (typeof target.iops === 'number' && target.throughputMiBps > target.iops * t.maxMiBpsPerIops) {
    const needed = Math.ceil(target.throughputMiBps / t.maxMiBpsPerIops);
    ctx.addIssue({ code: 'custom', path: ['throughputMiBps'], message: `gp3 allows at most ${t.maxMiBpsPerIops} MiB/s per IOPS: ${target.throughputMiBps} MiB/s needs ≥ ${needed} IOPS` });
  }
}

const fallbackTargetSchema = z.strictObject(targetCore).superRefine(checkTargetLimits);

const targetSchema = z.strictObject({
  ...targetCore,
  headroomPercent: z
    .number()
    .min(0)
    .max(1000)
    .default(30)
    .describe('auto sizing: observed demand × (1 + headroom/100)'),
  fallback: fallbackTargetSchema
    .prefault({ type: 'gp3' })
    .describe('used when the target cannot beat what the volume had on gp2 (e.g. io1 on 20 GiB = 1,000 IOPS)'),
}).superRefine(checkTargetLimits);

const containerStartTrigger = z.strictObject({
  p90AboveMs: z.number().positive().describe('probe ContainerStartLatency p90 above this, milliseconds'),
  balanceBelowPercent: z.number().min(0).max(100).describe('…while BurstBalance is below this percent'),
});

const triggerSchema = z.strictObject({
  horizonMinutes: z.number().positive().max(10_080).default(60).describe('rescue when the forecast empties within this'),
  balanceFloorPercent: z.number().min(0).max(100).default(10).describe('rescue when BurstBalance is at or below this'),
  throttledNow: z.boolean().default(true).describe('rescue a volume whose bucket is empty now'),
  minConfidence: z.number().min(0).max(1).default(0.5).describe('ignore forecasts less confident than this'),
  containerStart: containerStartTrigger.optional().describe('optional trigger from the on-host probe'),
});

const rescueSchema = z.strictObject({
  enabled: z.boolean().default(true),
  trigger: triggerSchema.prefault({}),
  target: targetSchema.prefault({}),
  allowHddVolumes: z
    .boolean()
    .default(false)
    .describe('st1/sc1 are alert-only unless this is true'),
});

const shadowBucketSchema = z.strictObject({
  startBalancePercent: z
    .number()
    .min(0)
    .max(100)
    .default(0)
    .describe('shadow gp2 bucket at the flip: empty, since AWS does not document the balance after a round trip'),
  floorPercent: z.number().min(0).max(100).default(50).describe('the replayed balance must stay above this'),
  trailingWindowMinutes: z.number().positive().max(10_080).default(120).describe('…for this long before reverting'),
});

const revertWindowSchema = z
  .strictObject({ startHourUtc: z.number().int().min(0).max(23), endHourUtc: z.number().int().min(0).max(23) })
  .refine((w) => w.startHourUtc !== w.endHourUtc, { path: ['endHourUtc'], message: 'window is empty: endHourUtc equals startHourUtc' });

const revertSchema = z.strictObject({
  enabled: z.boolean().default(true),
  minimumHoldMinutes: z.number().min(0).max(43_200).default(360),
  shadowBucket: shadowBucketSchema.prefault({}),
  window: revertWindowSchema.optional().describe('revert only between these UTC hours (end exclusive; may wrap midnight)'),
  keepIfCheaper: z.boolean().default(true).describe('recommend staying when the rescue target costs less than gp2'),
});

const overrideSchema = z.strictObject({
  name: z.string().min(1),
  match: z
    .strictObject({ tags: tagMatch.optional(), volumeIds: z.array(z.string().regex(/^vol-[0-9a-f]+$/)).optional() })
    .refine((m) => m.tags !== undefined || m.volumeIds !== undefined, 'match needs tags or volumeIds'),
  rescueImmediately: z.boolean().optional().describe('flip at once, without waiting for a trigger'),
  target: targetSchema.optional(),
  revertEnabled: z.boolean().optional(),
  alertOnly: z.boolean().optional().describe('never modify these volumes, only alert'),
}).superRefine((o, ctx) => {
  // A volume rescued at once and also reverted would flap: rescue, revert, rescue… until the ledger stops it.
  if (o.rescueImmediately === true && o.revertEnabled !== false) {
    ctx.addIssue({ code: 'custom', path: ['rescueImmediately'], message: 'rescueImmediately needs revertEnabled: false, or the volume would flip back and forth' });
  }
  if (o.alertOnly === true && o.rescueImmediately === true) {
    ctx.addIssue({ code: 'custom', path: ['alertOnly'], message: 'alertOnly contradicts rescueImmediately' });
  }
});

const selectionSchema = z.strictObject({
  volumeTypes: z.array(z.enum(['gp2', 'st1', 'sc1'])).min(1).default(['gp2']),
  optInTag: z
    .strictObject({ key: z.string().min(1), value: z.string().optional() })
    .nullable()
    .default({ key: 'burst-guardian', value: 'managed' })
    .describe('manage only volumes carrying this tag; null manages every matching volume'),
  tags: tagMatch.default({}),
  volumeIds: z.array(z.string().regex(/^vol-[0-9a-f]+$/)).default([]),
  excludeVolumeIds: z.array(z.string().regex(/^vol-[0-9a-f]+$/)).default([]),
  excludeTags: tagMatch.default({}),
});

const alertingSchema = z.strictObject({
  horizonMinutes: z.number().positive().max(10_080).default(180).describe('early warning (non-paging topic) when the forecast empties within this'),
  floorPercent: z.number().min(0).max(100).default(20).describe('early warning when BurstBalance is at or below this'),
  pageHorizonMinutes: z.number().positive().max(10_080).default(30).describe('page (paging topic) when the forecast empties within this and the drain is likely to hold'),
  pageMinConfidence: z.number().min(0).max(1).default(0.6).describe('calibrated chance the drain empties the bucket (docs/forecast-benchmark.md) a page needs'),
  earlyWarningRepeatMinutes: z.number().positive().default(1440).describe('repeat an early warning for a volume at most this often, unless its forecast halves'),
  repeatIntervalMinutes: z.number().positive().default(60).describe('repeat an open page at most this often'),
  escalateWhenTimeToEmptyRatioBelow: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.5)
    .describe('escalate when the time to empty shrinks to this fraction of the last alert'),
  minConfidence: z.number().min(0).max(1).default(0.3).describe('forecaster data confidence an early warning needs'),
}).refine((a) => a.pageHorizonMinutes <= a.horizonMinutes, { path: ['pageHorizonMinutes'], message: 'pageHorizonMinutes must not exceed horizonMinutes (the early-warning horizon)' });

const budgetsSchema = z.strictObject({
  maxModificationsPerRun: z.number().int().min(0).default(5).describe('modifications per scan, volumes (ModifyVolume) and RDS DB instances (ModifyDBInstance) together'),
  maxVolumesFlipped: z.number().int().min(0).default(10).describe('volumes away from their original type at once (volumes only: a DB instance is never moved back)'),
  monthlyCeilingUSD: z.number().min(0).default(100).describe('month-to-date extra spend the guardian may cause, volumes and RDS storage changes together'),
});

// Planned critical windows (issue 15 part 3): flip the matched volumes before each window, revert after it.
const scheduleSchema = z.strictObject({
  name: z.string().min(1),
  cron: z
    .string()
    .superRefine((text, ctx) => {
      const parsed = parseCron(text);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
    })
    .describe('when each window starts: 5-field cron in UTC (minute hour day-of-month month day-of-week)'),
  durationMinutes: z.number().int().positive().max(10_080).describe('how long each window lasts; the revert is asked for when it ends'),
  leadMinutes: z.number().int().min(0).max(1_440).default(30).describe('flip this long before the window starts, so the modification has applied'),
  match: z
    .strictObject({ tags: tagMatch.optional(), volumeIds: z.array(z.string().regex(/^vol-[0-9a-f]+$/)).optional() })
    .refine((m) => m.tags !== undefined || m.volumeIds !== undefined, 'match needs tags or volumeIds')
    .describe('which of the selected volumes the window is for'),
  target: targetSchema.describe('what the volumes run on during the window'),
});

/** Refuses schedules whose flips and reverts could not fit the modification ledger (decision/schedule-fit.ts). */
function checkSchedulesFitLedger(policy: { schedules: z.output<typeof scheduleSchema>[]; modificationRule: 'four-per-24h' | 'six-hour-cooldown' }, ctx: z.RefinementCtx): void {
  const windows = policy.schedules.flatMap((s) => {
    const parsed = parseCron(s.cron);
    return 'cron' in parsed ? [{ ...s, cron: parsed.cron }] : [];
  });
  if (windows.length !== policy.schedules.length) return;
  for (const c of scheduleConflicts(windows, policy.modificationRule)) ctx.addIssue({ code: 'custom', path: ['schedules', c.index, c.field], message: c.message });
}

/** The policy file schema (input: YAML; output: every default applied). */
export const PolicySchema = z.strictObject({
  version: z.literal(1),
  dryRun: z.boolean().default(true),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .optional()
    .describe('AWS region hint for the CDK app and the price table'),
  schedule: z
    .string()
    .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/)
    .superRefine((expression, ctx) => {
      const problem = scheduleProblem(expression);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default('rate(5 minutes)')
    .describe('EventBridge schedule expression of the scan'),
  modificationRule: z.enum(['four-per-24h', 'six-hour-cooldown']).default('four-per-24h'),
  selection: selectionSchema.prefault({}),
  alerting: alertingSchema.prefault({}),
  rescue: rescueSchema.prefault({}),
  revert: revertSchema.prefault({}),
  overrides: z.array(overrideSchema).default([]),
  budgets: budgetsSchema.prefault({}),
  schedules: z.array(scheduleSchema).default([]).describe('planned critical windows: flip before, revert after, within the ledger'),
  rds: RdsPolicySchema.prefault({}).describe('RDS DB instances on gp2 storage: alerts, and an opt-in rescue to gp3 (off by default)'),
}).superRefine(checkSchedulesFitLedger);

/** A validated policy with every default applied. */
export type Policy = z.output<typeof PolicySchema>;
/** A rescue target as the policy states it (before sizing). */
export type PolicyTarget = Policy['rescue']['target'];
/** A fallback target (a target without its own fallback). */
export type PolicyFallbackTarget = PolicyTarget['fallback'];
/** One per-match override. */
export type PolicyOverride = Policy['overrides'][number];
/** One planned critical window. */
export type PolicySchedule = Policy['schedules'][number];
/** Tag key → allowed values (empty list = key present). */
export type TagMatch = z.output<typeof tagMatch>;
