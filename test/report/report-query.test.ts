import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbHistoryStore } from '../../lambda/aws/dynamodb-history-store';
import { MemoryHistoryStore } from '../../lambda/sim/memory-history-store';
import { bundledPrices, queryFinanceReport } from '../../lambda/report/report-query';
import { DEC_1, seededHistory, seedStore, SEP_1, STAYED } from '../fixtures/history/seed';
import { startDynalite, type DynaliteHandle } from '../helpers/dynalite';

let dynalite: DynaliteHandle;
let tableName: string;
const history = seededHistory(12);

beforeAll(async () => {
  dynalite = await startDynalite();
  tableName = await dynalite.createHistoryTable();
  await seedStore(new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }), history);
}, 60_000);
afterAll(async () => dynalite.stop());

describe('queryFinanceReport', () => {
  const options = { period: { sinceEpochSeconds: SEP_1, untilEpochSeconds: DEC_1 }, nowEpochSeconds: DEC_1, ...bundledPrices('us-east-1') };

  it('gives the same report from the simulator memory store as from DynamoDB (what simulate and npm start render)', async () => {
    const memory = new MemoryHistoryStore();
    await seedStore(memory, history);
    const fromDynamo = await queryFinanceReport(new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }), options);
    const fromMemory = await queryFinanceReport(memory, options);
    expect(fromMemory).toEqual(fromDynamo);
    expect(fromDynamo.volumes.length).toBe(15);
  });

  it('reports progress through every month (look-back first) and every ledger', async () => {
    const steps: string[] = [];
    await queryFinanceReport(new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName }), { ...options, onProgress: (t) => steps.push(t) });
    expect(steps.slice(0, 6)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'].map((m, i) => `reading history: month ${m} (${i + 1}/6)`));
    expect(steps.at(-1)).toBe('reading ledgers: 15/15 volumes');
  });

  it('prices with the region asked for and says when it fell back to us-east-1', async () => {
    // STAYED 500 GiB, December, all on gp3: eu-west-1 gp3 $0.088/GB-month → $44.00 (bundled table).
    const store = new DynamoDbHistoryStore({ client: dynalite.documentClient, tableName });
    const december = { sinceEpochSeconds: DEC_1, untilEpochSeconds: DEC_1 + 31 * 86_400 };
    const eu = await queryFinanceReport(store, { period: december, nowEpochSeconds: december.untilEpochSeconds, ...bundledPrices('eu-west-1') });
    expect(eu.priceSource).toBe('bundled eu-west-1 list prices');
    expect(eu.volumes.find((v) => v.volumeId === STAYED)?.cost?.actualUSD).toBeCloseTo(44, 9);
    expect(bundledPrices('mars-north-1').priceSource).toBe('bundled us-east-1 list prices (no bundled prices for mars-north-1)');
  });
});
