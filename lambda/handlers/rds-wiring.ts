/**
 * The RDS ports of the scan (policy `rds`, issue 15 part 2), kept out of `wiring.ts` so that only the
 * scan handler and the CLI bundle `@aws-sdk/client-rds` (about 120 KiB of the scan bundle): the
 * modifyVolume event handler never talks to RDS. The client is built once, with the same timeouts
 * and retries as every other client, and connects on its first call (only when the policy watches RDS).
 */
import { RDSClient } from '@aws-sdk/client-rds';
import { CloudWatchRdsMetricsReader } from '../aws/cloudwatch-rds-metrics-reader';
import { RdsInstanceInventory } from '../aws/rds-instance-inventory';
import { RdsStorageModifier } from '../aws/rds-storage-modifier';
import type { RdsScanPorts } from '../core/scan/rds-scan';
import { SDK_REQUEST_HANDLER, SDK_RETRY, type GuardianClients } from './wiring';

/** DescribeDBInstances, AWS/RDS metrics and ModifyDBInstance over the given clients (an RDS client is built when none is given). */
export function rdsScanPorts(clients: GuardianClients, region: string | undefined): RdsScanPorts {
  const rds = clients.rds ?? new RDSClient({ requestHandler: SDK_REQUEST_HANDLER, ...SDK_RETRY, ...(region === undefined ? {} : { region }) });
  return {
    inventory: new RdsInstanceInventory({ client: rds }),
    metrics: new CloudWatchRdsMetricsReader({ client: clients.cloudwatch }),
    modifier: new RdsStorageModifier({ client: rds }),
  };
}
