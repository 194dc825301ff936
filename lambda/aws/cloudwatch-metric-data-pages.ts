/**
 * One GetMetricData batch read to its last page: the same window and ascending order on every page,
 * `NextToken` followed until absent (an empty string counts as absent). Shared by the volume and the
 * instance readers. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';

/** Sends one batch (≤ 500 queries) page by page, handing every result to `onResult`; returns the calls made. */
export async function readMetricDataPages(
  client: CloudWatchClient,
  request: { readonly queries: readonly MetricDataQuery[]; readonly startEpochSeconds: number; readonly endEpochSeconds: number },
  onResult: (result: MetricDataResult) => void,
): Promise<number> {
  let calls = 0;
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: [...request.queries],
        StartTime: new Date(request.startEpochSeconds * 1000),
        EndTime: new Date(request.endEpochSeconds * 1000),
        ScanBy: 'TimestampAscending',
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    calls += 1;
    for (const result of page.MetricDataResults ?? []) onResult(result);
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
  } while (nextToken !== undefined);
  return calls;
}
