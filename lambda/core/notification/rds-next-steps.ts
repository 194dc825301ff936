/**
 * What a person can do about an RDS notification (issue 15 part 2): the exact AWS CLI commands
 * (move the storage to gp3, follow it, pause the guardian by removing the opt-in tag, resume), the
 * guardian's `history` command and the RDS console link, in the instance's region. Pure.
 * https://docs.aws.amazon.com/cli/latest/reference/rds/modify-db-instance.html
 */
import type { GuardianNotification, RdsNotificationSubject } from '../ports';
import { dashboardUrl, historyCommand, regionOf } from './next-steps';

/** A next step: a label with a command or a link. */
export interface NextStep {
  readonly label: string;
  readonly command?: string;
  readonly url?: string;
}

function regionFlag(n: GuardianNotification): string {
  const region = regionOf(n);
  return region === undefined ? '' : ` --region ${region}`;
}

/** `aws rds modify-db-instance … --storage-type gp3 --apply-immediately`: the manual rescue. */
export function rdsManualRescueCommand(n: GuardianNotification, rds: RdsNotificationSubject): string {
  return `aws rds modify-db-instance${regionFlag(n)} --db-instance-identifier ${rds.identifier} --storage-type gp3 --apply-immediately`;
}

/** The instance's ARN for the tag commands: DescribeDBInstances' own, else built from account and region. */
function arnOf(n: GuardianNotification, rds: RdsNotificationSubject): string | undefined {
  if (rds.arn !== undefined) return rds.arn;
  const account = n.account?.id ?? n.deployment?.accountId;
  const region = regionOf(n);
  return account === undefined || region === undefined ? undefined : `arn:aws:rds:${region}:${account}:db:${rds.identifier}`;
}

/** RDS console page of the DB instance. */
export function rdsConsoleUrl(n: GuardianNotification, rds: RdsNotificationSubject): string | undefined {
  const region = regionOf(n);
  return region === undefined ? undefined : `https://${region}.console.aws.amazon.com/rds/home?region=${region}#database:id=${encodeURIComponent(rds.identifier)};is-cluster=false`;
}

/** The next steps of an RDS notification, most useful first. */
export function rdsNextSteps(n: GuardianNotification, rds: RdsNotificationSubject): NextStep[] {
  const steps: NextStep[] = [];
  const applied = n.event === 'rescue' && !n.dryRun && n.change !== undefined && n.severity !== 'critical';
  if (!applied && n.event !== 'recovered') steps.push({ label: 'Move its storage to gp3 by hand now (no downtime; RDS then optimizes the storage, and allows the next storage change 6 h later)', command: rdsManualRescueCommand(n, rds) });
  steps.push({ label: 'Follow the storage change', command: `aws rds describe-db-instances${regionFlag(n)} --db-instance-identifier ${rds.identifier} --query 'DBInstances[0].[DBInstanceStatus,StorageType,PendingModifiedValues]'` });
  const tag = n.optInTag;
  const arn = arnOf(n, rds);
  if (tag !== undefined && arn !== undefined) {
    steps.push({ label: 'Pause the guardian for this DB instance', command: `aws rds remove-tags-from-resource${regionFlag(n)} --resource-name ${arn} --tag-keys ${tag.key}` });
    steps.push({ label: 'Resume later', command: `aws rds add-tags-to-resource${regionFlag(n)} --resource-name ${arn} --tags Key=${tag.key},Value=${tag.value ?? ''}` });
  } else {
    steps.push({ label: `Pause the guardian for this DB instance: add ${rds.identifier} to rds.excludeIdentifiers in the policy file and redeploy` });
  }
  steps.push({ label: "The DB instance's history", command: historyCommand(n) });
  const consoleUrl = rdsConsoleUrl(n, rds);
  if (consoleUrl !== undefined) steps.push({ label: 'DB instance in the RDS console', url: consoleUrl });
  const dashboard = dashboardUrl(n);
  if (dashboard !== undefined) steps.push({ label: "Guardian's dashboard", url: dashboard });
  return steps;
}
