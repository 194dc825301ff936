/**
 * Pure formatting of a `GuardianNotification` for SNS: subject, phone-readable body, message
 * attributes, and the AWS Chatbot (Amazon Q Developer) custom-notification JSON.
 * Subject rules (ASCII printable, < 100 chars): https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * Custom notifications: https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
import type { GuardianNotification } from '../ports';

/** SNS: the whole message must be at most 256 KB (262,144 bytes). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

/** SNS subjects must be under 100 characters. */
export const SNS_MAX_SUBJECT_CHARS = 99;

/** The message body we send stays well below the SNS limit, leaving room for attributes. */
export const MAX_BODY_BYTES = 200_000;

const EVENT_TITLES: Record<GuardianNotification['event'], string> = {
  'forecast-alert': 'burst credits running out',
  escalation: 'burst credits running out (worse)',
  throttled: 'throttled now (credits empty)',
  rescue: 'rescued',
  revert: 'reverted',
  'stay-recommendation': 'recommend staying',
  recovered: 'recovered',
  blocked: 'action blocked',
  failure: 'guardian failure',
  'rescue-failed': 'rescue failed',
  'left-control': 'changed by someone else, guardian let go',
};

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

/** `[CRITICAL] vol-0abc (ci-runner-3) gp2: burst credits running out in 42m`, < 100 ASCII chars. */
export function formatSubject(n: GuardianNotification): string {
  const eta = n.secondsToEmpty === undefined || n.event === 'throttled' ? '' : ` in ${formatDuration(n.secondsToEmpty)}`;
  const dry = n.dryRun ? ' [dry-run]' : '';
  const head = `[${n.severity.toUpperCase()}] ${toPrintableAscii(n.volumeId)}`;
  const tail = toPrintableAscii(`${n.volumeType}: ${EVENT_TITLES[n.event]}${eta}${dry}`);
  // The name tag gives way first, so the volume, the event and the time to empty always show.
  const room = SNS_MAX_SUBJECT_CHARS - head.length - tail.length - 4; // " (" + ")" + " "
  const name = toPrintableAscii(n.nameTag ?? '');
  const named = name === '' || room < 4 ? '' : ` (${truncate(name, room)})`;
  return truncate(`${head}${named} ${tail}`, SNS_MAX_SUBJECT_CHARS);
}

/** EC2 console link to the volume. */
export function consoleUrl(n: GuardianNotification): string | undefined {
  if (n.region === undefined) return undefined;
  return `https://${n.region}.console.aws.amazon.com/ec2/home?region=${n.region}#VolumeDetails:volumeId=${n.volumeId}`;
}

function isoUtc(epochSeconds: number): string {
  // Date is used only to render a given instant, never to read the clock.
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** The fact lines shared by the text body and the Chatbot description. */
export function formatFacts(n: GuardianNotification): string[] {
  const lines = [`Volume: ${n.volumeId}${n.nameTag ? ` (${n.nameTag})` : ''}`, `Type/size: ${n.volumeType}, ${n.sizeGiB} GiB`];
  if (n.instanceId !== undefined) lines.push(`Instance: ${n.instanceId}`);
  if (n.balancePercent !== undefined) lines.push(`Burst balance: ${n.balancePercent.toFixed(1)}%`);
  if (n.secondsToEmpty !== undefined) lines.push(`Empty in: ${formatDuration(n.secondsToEmpty)}`);
  if (n.containerStartP90Ms !== undefined) lines.push(`Container start p90: ${(n.containerStartP90Ms / 1000).toFixed(1)} s`);
  if (n.monthlyCostDeltaUSD !== undefined) {
    const sign = n.monthlyCostDeltaUSD >= 0 ? '+' : '-';
    lines.push(`Cost: ${sign}$${Math.abs(n.monthlyCostDeltaUSD).toFixed(2)}/month`);
  }
  return lines;
}

/** The body a person reads on a phone: short lines, the action and reason first. */
export function formatBody(n: GuardianNotification): string {
  const lines = [
    `${n.dryRun ? 'Would do (dry-run)' : 'Action'}: ${n.action}`,
    `Why: ${n.reason}`,
    '',
    ...formatFacts(n),
    `Severity: ${n.severity}  Event: ${n.event}`,
    `At: ${isoUtc(n.tEpochSeconds)}`,
  ];
  if (n.region !== undefined) lines.push(`Region: ${n.region}`);
  const url = consoleUrl(n);
  if (url !== undefined) lines.push('', url);
  return truncateUtf8(lines.join('\n'), MAX_BODY_BYTES);
}

/** SNS message attributes for subscription filter policies (all `String`). */
export function formatMessageAttributes(n: GuardianNotification): Record<string, { DataType: 'String'; StringValue: string }> {
  return {
    severity: { DataType: 'String', StringValue: n.severity },
    event: { DataType: 'String', StringValue: n.event },
    volume_id: { DataType: 'String', StringValue: n.volumeId },
  };
}

/** The AWS Chatbot custom-notification document (version 1.0, source custom). */
export function formatChatbotMessage(n: GuardianNotification): string {
  const url = consoleUrl(n);
  const doc = {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: truncate(formatSubject(n), 250),
      description: truncateUtf8([`*${n.dryRun ? 'Would do (dry-run)' : 'Action'}:* ${n.action}`, `*Why:* ${n.reason}`, ...formatFacts(n)].join('\n'), 8000),
      ...(url === undefined ? {} : { nextSteps: [`Open the volume: ${url}`] }),
      keywords: [n.severity, n.event, n.volumeType],
    },
    metadata: {
      threadId: n.volumeId,
      summary: truncate(formatSubject(n), 100),
      eventType: n.event,
      relatedResources: [n.volumeId, ...(n.instanceId === undefined ? [] : [n.instanceId])],
      additionalContext: { severity: n.severity, dryRun: String(n.dryRun) },
    },
  };
  return JSON.stringify(doc);
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
