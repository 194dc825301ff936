/**
 * `CloudWatchInstanceEbsReader`: the instances' own EBS burst balances, `EBSIOBalance%` and
 * `EBSByteBalance%` in `AWS/EC2` per `InstanceId` (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html:
 * "Percentage of I/O credits / throughput credits remaining in the burst bucket", for the sizes that
 * burst; basic monitoring, 5-minute points). Larger or older sizes publish nothing: an empty series
 * means "no instance bucket", never an empty one.
 *
 * One read per scan for the distinct instances of the scanned volumes, 500 queries per
 * GetMetricData call (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html),
 * pages followed through `NextToken`, throttling retried by the SDK client's own retry strategy (handlers/wiring.ts). A result that is not
 * `Complete`/`PartialData` leaves that instance out: no data, no judgement.
 */
import type { CloudWatchClient, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { InstanceEbsBalance, InstanceEbsBalanceReader } from '../core/ports';
import type { MetricPoint } from '../core/types';
import { readMetricDataPages } from './cloudwatch-metric-data-pages';

/** Basic monitoring publishes EC2 metrics every 5 minutes. */
const PERIOD_SECONDS = 300;
const MAX_QUERIES_PER_CALL = 500;

const METRICS = [['io', 'EBSIOBalance%'], ['by', 'EBSByteBalance%']] as const;

/** Options of `CloudWatchInstanceEbsReader`. */
export interface CloudWatchInstanceEbsReaderOptions {
  readonly client: CloudWatchClient;
}

/** Reads `EBSIOBalance%` / `EBSByteBalance%` per instance. */
export class CloudWatchInstanceEbsReader implements InstanceEbsBalanceReader {
  constructor(private readonly options: CloudWatchInstanceEbsReaderOptions) {}

  /** The balances of each instance that publishes them; instances without points are absent. */
  async readInstanceBalances(request: { readonly instanceIds: readonly string[]; readonly startEpochSeconds: number; readonly endEpochSeconds: number }): Promise<Map<string, InstanceEbsBalance>> {
    const ids = [...new Set(request.instanceIds)];
    const queries: { id: string; instanceId: string; field: 'ioBalancePercent' | 'byteBalancePercent'; query: MetricDataQuery }[] = ids.flatMap((instanceId, index) =>
      METRICS.map(([short, metricName]) => ({
        id: `i${index}_${short}`, instanceId, field: short === 'io' ? ('ioBalancePercent' as const) : ('byteBalancePercent' as const),
        query: { Id: `i${index}_${short}`, MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: metricName, Dimensions: [{ Name: 'InstanceId', Value: instanceId }] }, Period: PERIOD_SECONDS, Stat: 'Average' }, ReturnData: true },
      })),
    );
    const byId = new Map(queries.map((q) => [q.id, q]));
    const points = new Map<string, { ioBalancePercent: MetricPoint[]; byteBalancePercent: MetricPoint[] }>();
    const failed = new Set<string>();
    for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_CALL) {
      const batch = queries.slice(i, i + MAX_QUERIES_PER_CALL).map((q) => q.query);
      await readMetricDataPages(this.options.client, { queries: batch, startEpochSeconds: request.startEpochSeconds, endEpochSeconds: request.endEpochSeconds }, (result) => {
        const q = result.Id === undefined ? undefined : byId.get(result.Id);
        if (q === undefined) return;
        if (result.StatusCode !== 'Complete' && result.StatusCode !== 'PartialData') failed.add(q.instanceId);
        const entry = points.get(q.instanceId) ?? { ioBalancePercent: [], byteBalancePercent: [] };
        (result.Timestamps ?? []).forEach((t, k) => {
          const value = result.Values?.[k];
          if (value !== undefined) entry[q.field].push({ tEpochSeconds: Math.floor(t.getTime() / 1000), value });
        });
        points.set(q.instanceId, entry);
      });
    }
    const out = new Map<string, InstanceEbsBalance>();
    for (const [instanceId, p] of points) {
      if (failed.has(instanceId) || (p.ioBalancePercent.length === 0 && p.byteBalancePercent.length === 0)) continue;
      const byTime = (a: MetricPoint, b: MetricPoint) => a.tEpochSeconds - b.tEpochSeconds;
      out.set(instanceId, { instanceId, ioBalancePercent: p.ioBalancePercent.sort(byTime), byteBalancePercent: p.byteBalancePercent.sort(byTime) });
    }
    return out;
  }
}
