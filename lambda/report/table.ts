/**
 * The report and a volume's history as terminal text: aligned columns, plain numbers, UTC times.
 */
import type { FinanceReport } from '../core/report/report';
import type { HistoryLine, VolumeHistory } from '../core/report/history';
import { grouped as usd, hours, isoUtc, money, percent, preventedBasis, preventedSentence, renderColumns, typesUsed } from './format';
import { runningCostTableLines } from './running-cost';

/** `saving $12.34`, `cost $5.00` or `no change`. */
function netSentence(net: number): string {
  if (Math.abs(net) < 0.005) return 'no change';
  return net > 0 ? `saving ${money(net)}` : `cost ${money(-net)}`;
}

/** Renders finance's report as text sections. */
export function renderReportTable(report: FinanceReport): string {
  const t = report.totals;
  const m = t.modifications;
  const out: string[] = [
    `Guardian report ${isoUtc(report.period.sinceEpochSeconds)} to ${isoUtc(report.period.untilEpochSeconds)} (prices: ${report.priceSource})`,
    `Volumes: ${t.volumes}; modifications applied: ${m.rescue} rescues, ${m.revert} reverts; failed ${m.failed}; dry-run ${m.dryRun}; unconfirmed ${m.unconfirmed}; not sent ${m.notSent}; volume deleted ${m.volumeDeleted}; by others ${m.external}; alerts sent: ${t.alertsSent}`,
    `Net against doing nothing: ${netSentence(t.cost.unaidedUSD - t.cost.actualUSD)} (actual ${money(t.cost.actualUSD)}, unaided ${money(t.cost.unaidedUSD)})`,
    ...runningCostTableLines(report),
    `Cost USD: actual ${usd(t.cost.actualUSD)}, unaided on original type ${usd(t.cost.unaidedUSD)}, gp3 for good ${usd(t.cost.allGp3USD)}` +
      (t.volumesWithoutCost > 0 ? ` (${t.volumesWithoutCost} volume(s) without a known size left out)` : ''),
    `Throttling prevented (${preventedBasis(t.preventedThrottling)}): ${t.preventedThrottling.episodes} episode(s), ${hours(t.preventedThrottling.seconds)} h, ${Math.round(t.preventedThrottling.deferredIos)} I/Os deferred: ${preventedSentence(t.preventedThrottling)}`,
    `Open recommendations would save USD ${usd(t.recommendedMonthlySavingsUSD)}/month`,
    '',
    'Per month (USD)',
    renderColumns(
      ['month', 'actual', 'unaided', 'gp3 for good'],
      report.months.map((mc) => [mc.month, usd(mc.actualUSD), usd(mc.unaidedUSD), usd(mc.allGp3USD)]),
      new Set([1, 2, 3]),
    ),
    // A history of DB instances only has no volume row: one line, not an empty table.
    ...(report.volumes.length === 0 ? ['Per volume: no volume modifications in the period', ''] : ['Per volume', renderVolumes(report)]),
  ];
  if (t.reasons.length > 0) {
    out.push('Modifications by kind and reason', renderColumns(['kind', 'reason', 'count'], t.reasons.map((r) => [r.kind, r.reason, String(r.count)]), new Set([2])));
  }
  const trips = report.volumes.flatMap((v) => v.roundTrips.map((trip) => ({ volumeId: v.volumeId, ...trip })));
  if (trips.length > 0) {
    out.push(
      'Round trips (BurstBalance before the rescue, first seen after the revert)',
      renderColumns(
        ['volume', 'rescued', 'reverted', 'before', 'after'],
        trips.map((r) => [r.volumeId, isoUtc(r.rescueEpochSeconds), isoUtc(r.revertEpochSeconds), percent(r.balanceBeforePercent), percent(r.firstBalanceAfterPercent)]),
        new Set([3, 4]),
      ),
    );
  }
  const recs = report.volumes.flatMap((v) => v.recommendations.map((r) => [v.volumeId, r.summary]));
  if (recs.length > 0) out.push('Open recommendations', renderColumns(['volume', 'recommendation'], recs));
  if (report.rds !== undefined) out.push(...renderRds(report.rds));
  if (report.instances !== undefined) out.push(...renderInstances(report.instances));
  return out.join('\n');
}

/** The instance EBS buckets section: alerts and refused flips per instance, and the suggested fix (the guardian never changes an instance). */
function renderInstances(section: NonNullable<FinanceReport['instances']>): string[] {
  const rows = section.instances.map((i) => [
    i.instanceId, i.instanceType ?? '-', String(i.alertsSent), String(i.pagesSent), String(i.refusedFlips), percent(i.lowestBalancePercent),
    i.lastAlertEpochSeconds === undefined ? '-' : isoUtc(i.lastAlertEpochSeconds), i.volumeIds.join(' ') || '-', i.fix?.text ?? '-',
  ]);
  return [
    `Instance EBS buckets: ${section.instances.length} instance(s), ${section.alertsSent} alert(s) sent, ${section.refusedFlips} volume flip(s) refused (the instance, not the volume, was the wall; the guardian never changes an instance)`,
    renderColumns(['instance', 'type', 'alerts', 'pages', 'refused flips', 'lowest', 'last alert', 'volumes', 'fix'], rows, new Set([2, 3, 4, 5])),
  ];
}

/** The RDS section: storage changes the guardian asked for (never reverted) and alerts sent. */
function renderRds(rds: NonNullable<FinanceReport['rds']>): string[] {
  const rows = rds.changes.map((c) => [
    c.identifier, c.engine ?? '-', c.accountId ?? '-', c.region ?? '-', isoUtc(c.requestedEpochSeconds), `${c.fromStorageType}→${c.toStorageType}`, String(c.sizeGiB),
    c.dryRun ? `${c.status} (dry-run)` : c.status, usd(c.monthlyCostDeltaUSD),
  ]);
  return [
    `RDS DB instances: ${rds.changes.length} storage change(s) asked for, ${rds.alertsSent} alert(s) sent (RDS storage prices; the guardian never moves a DB instance back to gp2)`,
    ...(rows.length === 0 ? [] : [renderColumns(['DB instance', 'engine', 'account', 'region', 'requested', 'storage', 'GiB', 'status', 'USD/month'], rows, new Set([6, 8]))]),
  ];
}

function renderVolumes(report: FinanceReport): string {
  const types = typesUsed(report.volumes.map((v) => v.secondsByType));
  const headers = ['volume', 'GiB', 'type', 'rescues', 'reverts', 'failed', ...types.map((ty) => `h ${ty}`), 'actual', 'unaided', 'gp3', 'prevented h', 'alerts'];
  const rows = report.volumes.map((v) => [
    v.volumeId,
    v.sizeGiB === undefined ? '-' : String(v.sizeGiB),
    v.originalType === undefined ? '-' : v.originalType === v.finalType ? v.originalType : `${v.originalType}→${v.finalType}`,
    String(v.modifications.rescue),
    String(v.modifications.revert),
    String(v.modifications.failed),
    ...types.map((ty) => hours(v.secondsByType[ty] ?? 0)),
    v.cost === undefined ? '-' : usd(v.cost.actualUSD),
    v.cost === undefined ? '-' : usd(v.cost.unaidedUSD),
    v.cost === undefined ? '-' : usd(v.cost.allGp3USD),
    hours(v.preventedThrottling.seconds),
    String(v.alertsSent),
  ]);
  return renderColumns(headers, rows, new Set(headers.map((_, i) => i).filter((i) => i === 1 || i >= 3)));
}

/** One history line's state column: the ledger status, or `-` for events. */
function stateOf(line: HistoryLine): string {
  if (line.source === 'event') return '-';
  return line.record.dryRun ? `${line.record.status} (dry-run)` : line.record.status;
}

/** One history line's reason column. */
function reasonOf(line: HistoryLine): string {
  if (line.source === 'modification') {
    const balances = [
      line.record.burstBalanceBeforePercent === undefined ? undefined : `balance before ${percent(line.record.burstBalanceBeforePercent)}`,
      line.record.firstBurstBalanceAfterPercent === undefined ? undefined : `first balance after ${percent(line.record.firstBurstBalanceAfterPercent)}`,
      line.record.statusMessage,
    ].filter((x): x is string => x !== undefined);
    return [line.record.reason, ...balances].join('; ');
  }
  const reason: unknown = line.details['reason'];
  return typeof reason === 'string' ? reason : '';
}

/** Renders one volume's history, oldest first, then its round trips. */
export function renderHistoryTable(history: VolumeHistory): string {
  if (history.lines.length === 0) return `No history for ${history.volumeId}.\n`;
  const rows = history.lines.map((line) => [isoUtc(line.tEpochSeconds), line.source === 'modification' ? `modify:${line.kind}` : line.kind, stateOf(line), line.summary, reasonOf(line)]);
  const out = [`History of ${history.volumeId} (${history.lines.length} entries, times UTC)`, renderColumns(['time', 'kind', 'state', 'summary', 'reason'], rows)];
  if (history.roundTrips.length > 0) {
    out.push(
      'Round trips (BurstBalance before the rescue, first seen after the revert)',
      renderColumns(
        ['rescued', 'reverted', 'before', 'after'],
        history.roundTrips.map((r) => [isoUtc(r.rescueEpochSeconds), isoUtc(r.revertEpochSeconds), percent(r.balanceBeforePercent), percent(r.firstBalanceAfterPercent)]),
        new Set([2, 3]),
      ),
    );
  }
  return out.join('\n');
}
