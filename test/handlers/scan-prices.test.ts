import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetProductsCommand, PricingClient, type GetProductsCommandInput } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { parsePolicy } from '../../lambda/core/policy/policy';
import { createScanHandler } from '../../lambda/handlers/scan';
import { drainingVolume, FakeAws, idleVolume, NOW_EPOCH_SECONDS } from '../e2e/fake-aws';
import { useDynalite } from '../helpers/dynalite';

const POLICY_JSON = JSON.stringify(parsePolicy(readFileSync('test/fixtures/policies/rescue-live.yaml', 'utf8'), 'rescue-live.yaml'));
type Pages = Array<{ FormatVersion: string; PriceList: string[]; NextToken?: string }>;
const FIXTURE = JSON.parse(readFileSync('test/fixtures/pricing/get-products-us-east-1.json', 'utf8')) as { answers: Record<string, Pages> };

const pricing = mockClient(PricingClient);
const dynalite = useDynalite();
beforeEach(() => pricing.reset());

/** The recorded us-east-1 answer with gp3 storage at `gp3PerGB` (to tell the API's figure from the bundled $0.08). */
function answer(gp3PerGB: string) {
  return (input: GetProductsCommandInput) => {
    const key = `${input.ServiceCode}/${input.Filters?.find((f) => f.Field === 'volumeApiName')?.Value ?? 'Database Storage'}`;
    const pages = (FIXTURE.answers[key] ?? []).map((p) => ({ ...p, PriceList: p.PriceList.map((e) => e.replace('"USD":"0.0800000000"', `"USD":"${gp3PerGB}"`)) }));
    const page = input.NextToken === undefined ? pages[0] : pages.find((_, i) => pages[i - 1]?.NextToken === input.NextToken);
    return { ...(page ?? { FormatVersion: 'aws_v1', PriceList: [] }), $metadata: {} };
  };
}

async function rescueCost(priceSource: string | undefined): Promise<number | undefined> {
  const aws = new FakeAws([drainingVolume(1), idleVolume(2)]);
  const tableName = await dynalite.createHistoryTable();
  const handler = createScanHandler({
    env: { TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardian', AWS_REGION: 'us-east-1', ...(priceSource === undefined ? {} : { PRICE_SOURCE: priceSource }) },
    policyJson: POLICY_JSON,
    clients: () => ({ ...aws.clients(dynalite.documentClient), pricing: new PricingClient({ region: 'us-east-1' }) }),
    logger: new Logger({ serviceName: 'ebs-burst-guardian', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'EbsBurstGuardian', serviceName: 'ebs-burst-guardian' }),
    nowEpochSeconds: () => NOW_EPOCH_SECONDS,
  });
  await handler({}, { awsRequestId: 'req-prices' });
  const records = await new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }).listModifications(drainingVolume(1).volumeId);
  return records.find((r) => r.kind === 'rescue')?.monthlyCostDeltaUSD;
}

describe('scan handler prices', () => {
  it('prices the rescue with the Price List API figure when PRICE_SOURCE=price-list-api', async () => {
    pricing.on(GetProductsCommand).callsFake(answer('0.0900000000'));
    const api = await rescueCost('price-list-api');
    const bundled = await rescueCost(undefined);
    // gp3 at $0.09 instead of $0.08 per GB-month: the delta grows by $0.01 per GiB of the volume.
    expect((api ?? 0) - (bundled ?? 0)).toBeCloseTo(drainingVolume(1).sizeGiB * 0.01, 9);
    expect(pricing.commandCalls(GetProductsCommand).length).toBeGreaterThan(0);
  });

  it('still rescues, on bundled prices, when the Price List API is unreachable', async () => {
    pricing.on(GetProductsCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }));
    const api = await rescueCost('price-list-api');
    expect(api).toBeDefined();
    expect(api).toBeCloseTo((await rescueCost(undefined)) ?? Number.NaN, 9);
  });
});
