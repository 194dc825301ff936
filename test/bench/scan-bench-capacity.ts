/**
 * DynamoDB request units of the bench's scans, counted on the wire. dynalite answers
 * `ReturnConsumedCapacity: TOTAL` with the base table's units by item size (reads per 4 KB, half for
 * eventually consistent; writes per 1 KB); on top of that this counts what dynalite leaves out:
 * - a read of nothing still costs one 4 KB unit (0.5 eventually consistent), as a GetItem of a
 *   missing item or an empty Query page is billed at AWS's minimum;
 * - a write to an item in a global secondary index (projection ALL) is also a write to that index:
 *   one more unit per index the item is in, and two when the write moves it between index keys.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html (provisioned throughput considerations)
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Requests and request units by kind. */
export interface CapacityCounts {
  readRequests: number;
  writeRequests: number;
  readRequestUnits: number;
  writeRequestUnits: number;
}

interface WireInput {
  ReturnConsumedCapacity?: string;
  ConsistentRead?: boolean;
  Item?: Record<string, unknown>;
  Key?: { sk?: { S?: string } | string };
  UpdateExpression?: string;
}

/** Adds a counting middleware to the low-level client; returns the live counters. */
export function countCapacity(client: DynamoDBClient): CapacityCounts {
  const counts: CapacityCounts = { readRequests: 0, writeRequests: 0, readRequestUnits: 0, writeRequestUnits: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as WireInput;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const units = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0;
      const command = context.commandName ?? '';
      if (command === 'GetItemCommand' || command === 'QueryCommand') {
        counts.readRequests++;
        counts.readRequestUnits += Math.max(units, input.ConsistentRead === true ? 1 : 0.5);
      } else if (command === 'PutItemCommand' || command === 'UpdateItemCommand' || command === 'DeleteItemCommand') {
        counts.writeRequests++;
        const base = Math.max(1, units);
        counts.writeRequestUnits += base * (1 + indexWrites(input));
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityCounter' },
  );
  return counts;
}

/** Index writes of one table write (see the file comment). */
function indexWrites(input: WireInput): number {
  if (input.Item !== undefined) return ('month' in input.Item ? 1 : 0) + ('openPk' in input.Item ? 1 : 0);
  const key = input.Key?.sk;
  const sk = typeof key === 'string' ? key : (key?.S ?? '');
  const expression = input.UpdateExpression ?? '';
  // Modification items are in the month index and (open or ledger) in the open-modifications index.
  if (sk.startsWith('MOD#')) return 1 + (expression.includes('openPk') ? 2 : 1);
  return 0;
}
