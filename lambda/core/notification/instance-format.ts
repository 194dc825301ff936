/**
 * How an `instance-bucket` notification (notification/instance.ts) reads: the subject phrase, the
 * facts and what a person can do (resize: stop, modify the instance type, start; the console; the
 * dashboard). format.ts delegates here when a notification carries `instance`. Pure.
 */
import { clockUtc, isoUtc } from '../iso-time';
import type { GuardianNotification, InstanceAlertFacts } from '../ports';
import { dashboardUrl, regionOf } from './next-steps';

/** `formatDuration` of format.ts, passed in to avoid an import cycle. */
type Duration = (seconds: number) => string;

/** `t3.medium EBS bucket empties in ~35m (01:45 UTC); resize the instance`. */
export function instanceSubjectPhrase(n: GuardianNotification, i: InstanceAlertFacts, duration: Duration, clock: boolean): string {
  if (n.event === 'recovered') return `recovered: ${i.instanceType} EBS bucket no longer running out`;
  const left = n.secondsToEmpty;
  const when = left === undefined ? 'running low' : left <= 0 ? 'EMPTY now' : `empties in ~${duration(left)}${clock ? ` (${clockUtc(n.tEpochSeconds + left)})` : ''}`;
  return `${i.instanceType} EBS bucket ${when}; ${i.fix === undefined ? 'resize the instance' : `fix: ${i.fix.instanceType}`}`;
}

function regionFlag(n: GuardianNotification): string {
  const region = regionOf(n);
  return region === undefined ? '' : ` --region ${region}`;
}

/** The fact lines of an instance alert. */
export function instanceFacts(n: GuardianNotification, i: InstanceAlertFacts, duration: Duration, where: string): string[] {
  const pct = (v: number | undefined) => (v === undefined ? 'no data' : `${v.toFixed(1)}%`);
  const lines = [
    `Instance: ${i.instanceId}, ${i.instanceType}: EBS baseline ${i.baselineIops.toLocaleString('en-US')} IOPS / ${i.baselineMBps} MB/s, burst ${i.maximumIops.toLocaleString('en-US')} IOPS / ${i.maximumMBps} MB/s for 30 min a day (EC2 User Guide)`,
    `Where: ${where}`,
    `Attached volumes the guardian watches: ${i.attachedVolumeIds.length === 0 ? 'none in this scan' : i.attachedVolumeIds.join(', ')}`,
    `EBSIOBalance%: ${pct(i.ioBalancePercent)}; EBSByteBalance%: ${pct(i.byteBalancePercent)} (${i.bucket} empties first)`,
  ];
  if (n.secondsToEmpty !== undefined) lines.push(n.secondsToEmpty <= 0 ? 'Instance bucket: empty now (every attached volume held to the instance baseline)' : `Instance bucket empty at: ${isoUtc(n.tEpochSeconds + n.secondsToEmpty)} (in ~${duration(n.secondsToEmpty)})`);
  if (n.pageConfidence !== undefined) lines.push(`Page confidence: ${Math.round(n.pageConfidence * 100)}% of such drains emptied the bucket`);
  lines.push(i.fix === undefined ? 'Fix: no size in the guardian\'s table covers this demand; pick a larger size by its EBS baseline' : `Fix: ${i.fix.text}`);
  lines.push(`Sent: ${isoUtc(n.tEpochSeconds)}`);
  return lines;
}

/** What a person can do: resize (stop, modify, start), the instance in the console, the dashboard. */
export function instanceNextSteps(n: GuardianNotification, i: InstanceAlertFacts): { readonly label: string; readonly command?: string; readonly url?: string }[] {
  const steps: { label: string; command?: string; url?: string }[] = [];
  const r = regionFlag(n);
  if (i.fix !== undefined && n.event !== 'recovered') {
    // An EBS-backed instance must be stopped to change its type (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-resize.html).
    steps.push({
      label: `Resize it to ${i.fix.instanceType} (stops the instance: plan the downtime)`,
      command: `aws ec2 stop-instances${r} --instance-ids ${i.instanceId} && aws ec2 wait instance-stopped${r} --instance-ids ${i.instanceId} && aws ec2 modify-instance-attribute${r} --instance-id ${i.instanceId} --instance-type Value=${i.fix.instanceType} && aws ec2 start-instances${r} --instance-ids ${i.instanceId}`,
    });
  }
  steps.push({ label: 'Watch the instance bucket', command: `aws cloudwatch get-metric-statistics${r} --namespace AWS/EC2 --metric-name ${i.bucket} --dimensions Name=InstanceId,Value=${i.instanceId} --statistics Minimum --period 300 --start-time ${isoUtc(n.tEpochSeconds - 3 * 3600)} --end-time ${isoUtc(n.tEpochSeconds)}` });
  const region = regionOf(n);
  if (region !== undefined) steps.push({ label: 'Instance in the EC2 console', url: `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#InstanceDetails:instanceId=${i.instanceId}` });
  const dashboard = dashboardUrl(n);
  if (dashboard !== undefined) steps.push({ label: "Guardian's dashboard", url: dashboard });
  return steps;
}
