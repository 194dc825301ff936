/**
 * Pure formatting of a `GuardianNotification` for people: the SNS subject (email, SMS), the
 * plain-text body (SNS email is plain text), and message attributes. The Chatbot document is in
 * `chatbot.ts`, the commands and links in `next-steps.ts`.
 * Subject rules (ASCII printable, under 100 characters, no line breaks): https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import type { GuardianNotification } from '../ports';
import { clockUtc, isoUtc } from '../iso-time';
import { describeConfiguration } from './state';
import { dashboardUrl, historyCommand, manualRescueCommand, pauseSteps, progressCommand, regionOf, volumeConsoleUrl } from './next-steps';
import { rdsNextSteps } from './rds-next-steps';
import { instanceFacts, instanceNextSteps, instanceSubjectPhrase } from './instance-format';

/** SNS: the whole message must be at most 256 KB (262,144 bytes). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/** SNS subjects must be under 100 characters. */
export const SNS_MAX_SUBJECT_CHARS = 99;

/**
 * Each per-protocol copy of the body stays far below the SNS limit: with a JSON message structure
 * the email text, the default text and the Chatbot document travel in one message.
 */
export const MAX_BODY_BYTES = 60_000;

/** A duration a person reads at a glance: `45s`, `12m`, `3h 20m`, `2d 4h`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.round((s % 86_400) / 3600)}h`;
}

/** Keeps printable ASCII only (SNS subjects), collapsing everything else to one space. */
export function toPrintableAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 3))}...`;
}

/** How much of the change a subject shows: all of it, the target type only, or none. */
type ChangeDetail = 'full' | 'type' | 'none';

/** `gp2->gp3 3,000 IOPS` for subjects (ASCII), shortened as `detail` says. */
function changeShort(n: GuardianNotification, detail: ChangeDetail = 'full'): string {
  if (n.change === undefined || detail === 'none') return '';
  const to = n.change.to;
  if (detail === 'type') return ` to ${to.type}`;
  return ` ${n.change.from.type}->${to.type}${to.iops === undefined ? '' : ` ${to.iops.toLocaleString('en-US')} IOPS`}`;
}

/** The wall: when the bucket is forecast to be empty, `~42m (14:05 UTC)`, or `~42m` when room is short. */
function wallShort(n: GuardianNotification, clock: boolean): string | undefined {
  if (n.secondsToEmpty === undefined) return undefined;
  if (n.secondsToEmpty <= 0) return undefined;
  return `~${formatDuration(n.secondsToEmpty)}${clock ? ` (${clockUtc(n.tEpochSeconds + n.secondsToEmpty)})` : ''}`;
}

/** What is happening and what the guardian does, in the words a subject has room for. */
export function subjectPhrase(n: GuardianNotification, options: { readonly clock?: boolean; readonly detail?: ChangeDetail } = {}): string {
  if (n.instance !== undefined) return instanceSubjectPhrase(n, n.instance, formatDuration, options.clock ?? true);
  const wall = wallShort(n, options.clock ?? true);
  const change = (): string => changeShort(n, options.detail);
  const empties = n.secondsToEmpty === 0 ? 'EMPTY now' : wall === undefined ? undefined : `empties in ${wall}`;
  const dry = n.dryRun ? ' (dry run)' : '';
  switch (n.event) {
    case 'forecast-alert':
      return `${empties ?? 'burst credits running low'}; alert only`;
    case 'escalation':
      // Worse than the last alert; a blocked rescue or a rescue in the offing is said, as for those events.
      if (n.blockReason !== undefined) return `WORSE: rescue BLOCKED (${n.blockReason})${empties === undefined || options.detail === 'none' ? '' : `; ${empties}`}`;
      return n.change === undefined
        ? `WORSE: ${empties ?? 'burst credits running low'}; alert only`
        : `WORSE: ${empties === undefined ? '' : `${empties}; `}${n.dryRun ? 'would rescue' : 'rescuing now'}${change()}${dry}`;
    case 'throttled':
      return 'THROTTLED now: credits empty, IOPS at baseline';
    case 'rescue':
      return `${empties === undefined ? '' : `${empties}; `}${n.dryRun ? 'would rescue' : 'rescuing now'}${change()}${dry}`;
    case 'revert':
      return `${n.dryRun ? 'would revert' : 'reverting'}${change()}${dry}`;
    case 'stay-recommendation':
      return `recommend staying on ${n.change?.to.type ?? 'the current type'}${n.monthlyCostDeltaUSD === undefined ? '' : `, saves $${Math.abs(n.monthlyCostDeltaUSD).toFixed(2)}/month`}`;
    case 'recovered':
      return 'recovered: burst credits no longer running out';
    case 'blocked':
      return `rescue BLOCKED${n.blockReason === undefined ? '' : ` (${n.blockReason})`}${n.nextAllowedEpochSeconds === undefined ? '' : ` until ${clockUtc(n.nextAllowedEpochSeconds)}`}${empties === undefined || options.detail === 'none' ? '' : `; ${empties}`}`;
    case 'failure':
      return 'guardian failure: look at it';
    case 'rescue-failed':
      return `rescue FAILED${empties === undefined ? '' : `; ${empties}`}; rescue it by hand`;
    case 'left-control':
      return 'modified by someone else; the guardian let go of it';
    default:
      return String(n.event);
  }
}

/**
 * `[CRITICAL] vol-0abc… (ci-runner-3): empties in ~42m (14:05 UTC); alert only`: under 100 printable
 * ASCII characters, no line break. When room is short the clock time goes first, then the change's
 * IOPS and source type, and only then the name tag, which is cut only when nothing else is left to
 * shorten and then keeps every character there is room for (`~` marks the cut).
 */
export function formatSubject(n: GuardianNotification): string {
  const head = `[${n.severity.toUpperCase()}] ${toPrintableAscii(n.volumeId)}`;
  const name = toPrintableAscii(n.nameTag ?? '');
  const named = name === '' ? '' : ` (${name})`;
  // Richest first; what gives way: the clock time, then the IOPS, then the source type, then the name.
  const variants: { clock: boolean; detail: ChangeDetail }[] = [
    { clock: true, detail: 'full' }, { clock: false, detail: 'full' }, { clock: false, detail: 'type' }, { clock: false, detail: 'none' },
  ];
  const tails = variants.map((v) => `: ${toPrintableAscii(subjectPhrase(n, v))}`);
  const fitting = tails.find((t) => head.length + named.length + t.length <= SNS_MAX_SUBJECT_CHARS);
  if (fitting !== undefined) return `${head}${named}${fitting}`;
  const tail = tails.find((t) => head.length + t.length <= SNS_MAX_SUBJECT_CHARS) ?? tails[tails.length - 1] ?? '';
  const room = SNS_MAX_SUBJECT_CHARS - head.length - tail.length - 3; // " (" + ")"
  const cut = name !== '' && room >= 2 ? ` (${name.slice(0, room - 1)}~)` : '';
  return truncate(`${head}${cut}${tail}`, SNS_MAX_SUBJECT_CHARS);
}

/** EC2 console link to the volume (kept for callers of the old name). */
export const consoleUrl = volumeConsoleUrl;

/** `vol-0abc (ci-runner-3), gp2, 100 GiB`. */
function volumeLine(n: GuardianNotification): string {
  return `${n.volumeId}${n.nameTag ? ` (${n.nameTag})` : ''}, ${n.volumeType}, ${n.sizeGiB.toLocaleString('en-US')} GiB`;
}

/** The fact lines shared by the text body, the Chatbot description and the CLI's printout. */
export function formatFacts(n: GuardianNotification): string[] {
  const account = accountLabel(n);
  const region = regionOf(n);
  if (n.instance !== undefined) return instanceFacts(n, n.instance, formatDuration, [account === undefined ? undefined : `account ${account}`, region === undefined ? undefined : `region ${region}`].filter((x) => x !== undefined).join(', ') || 'unknown');
  const lines = [n.rds === undefined ? `Volume: ${volumeLine(n)}` : `DB instance: ${n.rds.identifier} (${n.rds.engine}), ${n.volumeType} storage, ${n.sizeGiB.toLocaleString('en-US')} GiB`];
  const where = [n.rds !== undefined ? undefined : n.instanceId === undefined ? 'not attached' : `instance ${n.instanceId}`, account === undefined ? undefined : `account ${account}`, region === undefined ? undefined : `region ${region}`];
  lines.push(`Where: ${where.filter((x) => x !== undefined).join(', ')}`);
  if (n.balancePercent !== undefined) lines.push(`Burst balance: ${n.balancePercent.toFixed(1)}%${n.demandPerSecond === undefined ? '' : ` at ${Math.round(n.demandPerSecond).toLocaleString('en-US')} ${n.volumeType === 'st1' || n.volumeType === 'sc1' ? 'MiB/s' : 'IOPS'} of demand`}`);
  if (n.secondsToEmpty !== undefined) {
    lines.push(n.secondsToEmpty <= 0 ? 'Credits: empty now (IOPS held to the baseline)' : `Credits empty at: ${isoUtc(n.tEpochSeconds + n.secondsToEmpty)} (in ~${formatDuration(n.secondsToEmpty)})`);
  }
  // Measurable: the share of past page-window forecasts this persistent that came true (docs/forecast-benchmark.md).
  if (n.pageConfidence !== undefined) lines.push(`Page confidence: ${Math.round(n.pageConfidence * 100)}% of such drains emptied the bucket`);
  if (n.containerStartP90Ms !== undefined) lines.push(`Container start p90: ${(n.containerStartP90Ms / 1000).toFixed(1)} s`);
  if (n.change !== undefined) lines.push(`Change: ${describeConfiguration(n.change.from)} -> ${describeConfiguration(n.change.to)}`);
  if (n.monthlyCostDeltaUSD !== undefined) {
    const sign = n.monthlyCostDeltaUSD >= 0 ? '+' : '-';
    lines.push(`Cost: ${sign}$${Math.abs(n.monthlyCostDeltaUSD).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}/month`);
  }
  lines.push(`Sent: ${isoUtc(n.tEpochSeconds)}`);
  return lines;
}

/** What a person can do, as labelled commands and links (text body, Chatbot next steps). */
export function formatNextSteps(n: GuardianNotification): { readonly label: string; readonly command?: string; readonly url?: string }[] {
  if (n.rds !== undefined) return rdsNextSteps(n, n.rds);
  if (n.instance !== undefined) return instanceNextSteps(n, n.instance);
  const steps: { label: string; command?: string; url?: string }[] = [];
  const manual = manualRescueCommand(n);
  if (manual !== undefined && n.manualTarget !== undefined) steps.push({ label: `Rescue it by hand now (to ${describeConfiguration(n.manualTarget)})`, command: manual });
  const progress = progressCommand(n);
  if (progress !== undefined) steps.push({ label: 'Follow the modification', command: progress });
  const pause = pauseSteps(n);
  steps.push(pause.resume === undefined ? { label: `Pause the guardian for this volume: ${pause.pause}` } : { label: 'Pause the guardian for this volume (it stays on its current type)', command: pause.pause });
  if (pause.resume !== undefined) steps.push({ label: 'Resume later', command: pause.resume });
  steps.push({ label: "The volume's history", command: historyCommand(n) });
  const volume = volumeConsoleUrl(n);
  if (volume !== undefined) steps.push({ label: 'Volume in the EC2 console', url: volume });
  const dashboard = dashboardUrl(n);
  if (dashboard !== undefined) steps.push({ label: "Guardian's dashboard", url: dashboard });
  return steps;
}

/** The plain-text body (SNS email): what is happening, what the guardian does, what you can do, the volume. */
export function formatBody(n: GuardianNotification): string {
  const steps = formatNextSteps(n).flatMap((s) => [`- ${s.label}${s.command === undefined && s.url === undefined ? '' : ':'}`, ...(s.command === undefined ? [] : [`    ${s.command}`]), ...(s.url === undefined ? [] : [`    ${s.url}`])]);
  const lines = [
    `${n.severity.toUpperCase()}: ${n.volumeId}${n.nameTag ? ` (${n.nameTag})` : ''}: ${subjectPhrase(n)}`,
    '',
    'WHAT IS HAPPENING',
    n.reason === '' ? '(no detail)' : n.reason,
    '',
    n.dryRun ? 'WHAT THE GUARDIAN WOULD DO (dry run: it modifies nothing)' : 'WHAT THE GUARDIAN DOES',
    `The guardian ${n.action}.`,
    '',
    'WHAT YOU CAN DO',
    ...steps,
    '',
    'FACTS',
    ...formatFacts(n),
  ];
  return truncateUtf8(lines.join('\n'), MAX_BODY_BYTES);
}

/** SNS message attributes for subscription filter policies (all `String`). */
export function formatMessageAttributes(n: GuardianNotification): Record<string, { DataType: 'String'; StringValue: string }> {
  return {
    severity: { DataType: 'String', StringValue: n.severity },
    event: { DataType: 'String', StringValue: n.event },
    volume_id: { DataType: 'String', StringValue: n.volumeId },
    dry_run: { DataType: 'String', StringValue: String(n.dryRun) },
    ...optionalAttribute('instance_id', n.instance?.instanceId),
    ...optionalAttribute('account_id', n.account?.id ?? n.deployment?.accountId),
    ...optionalAttribute('region', regionOf(n)),
    route: { DataType: 'String', StringValue: n.route ?? 'page' },
  };
}

function optionalAttribute(name: string, value: string | undefined): Record<string, { DataType: 'String'; StringValue: string }> {
  return value === undefined || value === '' ? {} : { [name]: { DataType: 'String', StringValue: value } };
}

/** `123456789012 (prod-payments)`: the scan's account (organization spokes) or the notifier's deployment. */
function accountLabel(n: GuardianNotification): string | undefined {
  const id = n.account?.id ?? n.deployment?.accountId;
  if (id === undefined) return undefined;
  const name = n.account?.name;
  return name === undefined || name === '' ? id : `${id} (${name})`;
}

/** UTF-8 byte length of a string (no TextEncoder needed: counts code points by range). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Cuts text to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  const marker = '\n[truncated]';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes - marker.length) break;
    bytes += size;
    out += ch;
  }
  return out + marker;
}
