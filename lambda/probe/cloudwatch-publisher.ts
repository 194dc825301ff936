/**
 * Adapter: publishes probe datums with CloudWatch `PutMetricData`, in batches within the API's
 * limits (1,000 metrics and 1 MB per request:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
 */
import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { MetricsPublishError } from '../core/errors';
import type { ProbeDatum } from './report';

/** PutMetricData: at most this many metrics per request. */
export const PUT_METRIC_DATA_MAX_METRICS = 1000;
/** PutMetricData: 1 MB per POST; we budget 90 % of it since the wire encoding is the SDK's. */
export const PUT_METRIC_DATA_BUDGET_BYTES = 900_000;

/** Splits datums into batches of at most `maxMetrics` and about `maxBytes` (JSON size as the estimate). */
export function batchDatums<T>(datums: readonly T[], maxMetrics = PUT_METRIC_DATA_MAX_METRICS, maxBytes = PUT_METRIC_DATA_BUDGET_BYTES): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const datum of datums) {
    const bytes = JSON.stringify(datum).length;
    if (current.length > 0 && (current.length >= maxMetrics || currentBytes + bytes > maxBytes)) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(datum);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Options of the publisher. */
export interface CloudWatchProbePublisherOptions {
  readonly client: Pick<CloudWatchClient, 'send'>;
  readonly namespace: string;
}

/** Sends probe datums to CloudWatch. */
export class CloudWatchProbePublisher {
  private readonly client: Pick<CloudWatchClient, 'send'>;
  private readonly namespace: string;

  constructor(options: CloudWatchProbePublisherOptions) {
    this.client = options.client;
    this.namespace = options.namespace;
  }

  /** The requests `publish` would send (what `--dry-run --json` prints). */
  requestsFor(datums: readonly ProbeDatum[]): { Namespace: string; MetricData: ProbeDatum[] }[] {
    return batchDatums(datums).map((batch) => ({ Namespace: this.namespace, MetricData: batch }));
  }

  /** Publishes all datums; returns the number of requests sent. Throws MetricsPublishError (cause kept) on the first failed batch. */
  async publish(datums: readonly ProbeDatum[]): Promise<number> {
    const outcome = await this.publishUntilFailure(datums);
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.sentRequests;
  }

  /** Publishes batch by batch and stops at the first failure, returning the datums not yet sent (so a retry duplicates nothing). */
  async publishUntilFailure(datums: readonly ProbeDatum[]): Promise<{ sentRequests: number; unsent: ProbeDatum[]; error?: MetricsPublishError }> {
    const requests = this.requestsFor(datums);
    for (const [index, input] of requests.entries()) {
      try {
        await this.client.send(new PutMetricDataCommand({ Namespace: input.Namespace, MetricData: input.MetricData.map((d) => ({ ...d, Dimensions: [...d.Dimensions] })) }));
      } catch (cause) {
        const name = cause instanceof Error ? cause.name : 'Error';
        const error = new MetricsPublishError(`PutMetricData batch ${index + 1}/${requests.length} to ${this.namespace} failed: ${name}`, { cause });
        return { sentRequests: index, unsent: requests.slice(index).flatMap((r) => r.MetricData), error };
      }
    }
    return { sentRequests: requests.length, unsent: [] };
  }
}
