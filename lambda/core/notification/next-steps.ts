/**
 * What a person can do about a notification: the exact AWS CLI commands (manual rescue, pause,
 * resume, modification progress), the guardian's `history` command, and console links in the
 * volume's region. Pure: built from the notification alone.
 */
import type { ConfigurationOf, GuardianNotification } from '../ports';

/** The region a notification's links and commands use: the volume's, else the deployment's. */
export function regionOf(n: GuardianNotification): string | undefined {
  return n.region ?? n.deployment?.region;
}

function regionFlag(n: GuardianNotification): string {
  const region = regionOf(n);
  return region === undefined ? '' : ` --region ${region}`;
}

/** AWS CLI flags for a configuration: `--volume-type gp3 --iops 3000 --throughput 125`. */
function configurationFlags(c: ConfigurationOf): string {
  return [`--volume-type ${c.type}`, c.iops === undefined ? '' : ` --iops ${c.iops}`, c.throughputMiBps === undefined ? '' : ` --throughput ${c.throughputMiBps}`].join('');
}

/**
 * `aws ec2 modify-volume …` to rescue by hand, when a manual rescue makes sense: the guardian is not
 * already doing it (a live rescue, a revert, a recovery, a recommendation need no rescue).
 * https://docs.aws.amazon.com/cli/latest/reference/ec2/modify-volume.html
 */
export function manualRescueCommand(n: GuardianNotification): string | undefined {
  // A flip cannot get past the instance's own EBS bucket: no manual rescue to offer (instance-bottleneck.ts).
  if (n.manualTarget === undefined || n.blockReason === 'instance-bucket') return undefined;
  const needsRescue = n.event === 'forecast-alert' || n.event === 'escalation' || n.event === 'throttled' || n.event === 'blocked' || n.event === 'rescue-failed' || (n.event === 'rescue' && n.dryRun);
  if (!needsRescue) return undefined;
  return `aws ec2 modify-volume${regionFlag(n)} --volume-id ${n.volumeId} ${configurationFlags(n.manualTarget)}`;
}

/** Progress of a modification the guardian requested (https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-volumes-modifications.html). */
export function progressCommand(n: GuardianNotification): string | undefined {
  if ((n.event !== 'rescue' && n.event !== 'revert') || n.dryRun) return undefined;
  return `aws ec2 describe-volumes-modifications${regionFlag(n)} --volume-ids ${n.volumeId}`;
}

/** How to stop the guardian acting on this volume, and how to hand it back. */
export function pauseSteps(n: GuardianNotification): { readonly pause: string; readonly resume?: string } {
  const tag = n.optInTag;
  if (tag === undefined) {
    return { pause: `add ${n.volumeId} to selection.excludeVolumeIds in the policy file and redeploy (npx cdk deploy -c policy=./policy.yaml)` };
  }
  return {
    pause: `aws ec2 delete-tags${regionFlag(n)} --resources ${n.volumeId} --tags Key=${tag.key}`,
    resume: `aws ec2 create-tags${regionFlag(n)} --resources ${n.volumeId} --tags Key=${tag.key},Value=${tag.value ?? ''}`,
  };
}

/** The guardian's `history` command for the volume (README: run from a checkout). */
export function historyCommand(n: GuardianNotification): string {
  const table = n.deployment?.historyTableName ?? '<HistoryTableName>';
  return `npm run --silent guardian -- history ${n.volumeId} --table ${table}${regionFlag(n)}`;
}

/** EC2 console page of the volume, in its region. */
export function volumeConsoleUrl(n: GuardianNotification): string | undefined {
  const region = regionOf(n);
  if (region === undefined) return undefined;
  return `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#VolumeDetails:volumeId=${n.volumeId}`;
}

/** The guardian's CloudWatch dashboard (or the dashboard list when its name is unknown). */
export function dashboardUrl(n: GuardianNotification): string | undefined {
  const region = n.deployment?.region ?? regionOf(n);
  if (region === undefined) return undefined;
  const name = n.deployment?.dashboardName;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards${name === undefined ? ':' : `/dashboard/${encodeURIComponent(name)}`}`;
}
