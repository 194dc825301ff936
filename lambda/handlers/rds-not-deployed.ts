/**
 * The RDS ports of a scan bundle built without RDS (issue 15 part 2). The CDK construct bundles the
 * RDS client (about 100 KiB of `@aws-sdk/client-rds`) and grants the RDS permissions only when the
 * deployed policy enables `rds`, so the default scan bundle stays under issue 5's 1.5 MiB. If a policy
 * pushed later at runtime (SSM) enables `rds`, these ports make the RDS pass fail loudly, as an RDS
 * listing failure (a scan error the errors alarm sees), with the fix, instead of skipping it silently.
 */
import type { RdsScanPorts } from '../core/scan/rds-scan';

export const RDS_NOT_DEPLOYED_MESSAGE =
  'the policy enables rds, but this guardian was deployed with a policy that does not, so it has neither the RDS code nor the RDS permissions: run `cdk deploy` with this policy';

/** Ports whose every call rejects with `RDS_NOT_DEPLOYED_MESSAGE`. */
export function rdsNotDeployedPorts(): RdsScanPorts {
  const fail = () => Promise.reject(new Error(RDS_NOT_DEPLOYED_MESSAGE));
  return {
    inventory: { listDbInstances: fail },
    metrics: { readRdsMetrics: fail },
    modifier: { modifyStorageType: fail },
  };
}
