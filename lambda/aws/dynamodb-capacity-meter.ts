/**
 * Counts the DynamoDB capacity a client's calls consumed, as DynamoDB reports it: every call is sent
 * with `ReturnConsumedCapacity: TOTAL` ("the aggregate ConsumedCapacity for the operation, together
 * with ConsumedCapacity for each table and secondary index that was accessed",
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#DDB-PutItem-request-ReturnConsumedCapacity),
 * and the answer's `ConsumedCapacity` (one object, or a list for batch and transaction calls,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ConsumedCapacity.html) is summed.
 * On an on-demand table the units are the request units billed. The figure is measured, not estimated:
 * whatever the call does, the table says what it cost. Commands that do not take the parameter drop it
 * (the SDK serializes only a command's own fields).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Units consumed since the last `take()`. */
export interface ConsumedUnits {
  readonly readUnits: number;
  readonly writeUnits: number;
}

interface Capacity {
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

/** Commands that read; every other metered command writes. */
const READ_COMMANDS = /^(Get|BatchGet|Query|Scan|TransactGet|ExecuteStatement)/;

/** Meters a client (low-level or document: they share one middleware stack). */
export class DynamoDbCapacityMeter {
  private readUnits = 0;
  private writeUnits = 0;

  constructor(client: DynamoDBClient | DynamoDBDocumentClient) {
    this.attach(client);
  }

  /** Meters one more client into the same counts (a spoke's copies to the hub table, say). */
  attach(client: DynamoDBClient | DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        this.add((result.output as { ConsumedCapacity?: Capacity | readonly Capacity[] }).ConsumedCapacity, READ_COMMANDS.test(context.commandName ?? ''));
        return result;
      },
      { step: 'initialize', name: 'guardianCapacityMeter', override: true },
    );
  }

  private add(reported: Capacity | readonly Capacity[] | undefined, read: boolean): void {
    const list: readonly Capacity[] = reported === undefined ? [] : Array.isArray(reported) ? reported : [reported as Capacity];
    for (const c of list) {
      if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
        this.readUnits += c.ReadCapacityUnits ?? 0;
        this.writeUnits += c.WriteCapacityUnits ?? 0;
      } else if (read) this.readUnits += c.CapacityUnits ?? 0;
      else this.writeUnits += c.CapacityUnits ?? 0;
    }
  }

  /** The units consumed since the previous call (one scan's), and starts again from zero. */
  take(): ConsumedUnits {
    const units = { readUnits: this.readUnits, writeUnits: this.writeUnits };
    this.readUnits = 0;
    this.writeUnits = 0;
    return units;
  }
}
