import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBody,
  formatChatbotMessage,
  formatDuration,
  formatMessageAttributes,
  formatSubject,
  MAX_BODY_BYTES,
  truncateUtf8,
  utf8Bytes,
} from '../../../lambda/core/notification/format';
import type { GuardianNotification } from '../../../lambda/core/ports';

const BASE: GuardianNotification = {
  event: 'forecast-alert',
  severity: 'critical',
  tEpochSeconds: 1_767_225_600,
  volumeId: 'vol-0123456789abcdef0',
  volumeType: 'gp2',
  sizeGiB: 100,
  nameTag: 'ci-runner-3',
  instanceId: 'i-0abc',
  region: 'eu-west-1',
  balancePercent: 12.34,
  secondsToEmpty: 2520,
  containerStartP90Ms: 8200,
  action: 'Will flip to gp3 at 3,000 IOPS / 125 MiB/s.',
  reason: 'Demand 2,400 IOPS exceeds the 300 IOPS baseline.',
  dryRun: false,
  monthlyCostDeltaUSD: -2,
};

describe('formatSubject', () => {
  it('says severity, volume, name, type, event and time to empty', () => {
    expect(formatSubject(BASE)).toBe('[CRITICAL] vol-0123456789abcdef0 (ci-runner-3) gp2: burst credits running out in 42m');
  });

  it.each([
    ['a very long name tag', { nameTag: 'x'.repeat(300) }],
    ['non-ASCII characters', { nameTag: 'Büro – Ünïcödé 🚀 runner\nnext line' }],
    ['a dry run', { dryRun: true }],
  ])('stays under 100 printable ASCII characters with %s', (_label, overrides) => {
    const subject = formatSubject({ ...BASE, ...overrides });
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('shortens a long name tag first so the time to empty still shows', () => {
    const subject = formatSubject({ ...BASE, nameTag: 'n'.repeat(300), dryRun: true });
    expect(subject.endsWith('gp2: burst credits running out in 42m [dry-run]')).toBe(true);
    expect(subject).toContain('(nnn');
  });

  it('keeps any subject under 100 printable ASCII characters (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.string({ maxLength: 200 }), (nameTag, volumeId) => {
        const subject = formatSubject({ ...BASE, nameTag, volumeId });
        expect(subject.length).toBeLessThan(100);
        expect(subject).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });
});

describe('formatBody', () => {
  it('puts action and reason first, then the numbers and the console link', () => {
    const lines = formatBody(BASE).split('\n');
    expect(lines[0]).toBe('Action: Will flip to gp3 at 3,000 IOPS / 125 MiB/s.');
    expect(lines[1]).toBe('Why: Demand 2,400 IOPS exceeds the 300 IOPS baseline.');
    expect(lines).toContain('Burst balance: 12.3%');
    expect(lines).toContain('Empty in: 42m');
    expect(lines).toContain('Container start p90: 8.2 s');
    expect(lines).toContain('Cost: -$2.00/month');
    expect(lines).toContain('At: 2026-01-01T00:00:00Z');
    expect(lines.at(-1)).toBe('https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#VolumeDetails:volumeId=vol-0123456789abcdef0');
  });

  it('marks a dry run as what would be done', () => {
    expect(formatBody({ ...BASE, dryRun: true }).split('\n')[0]).toMatch(/^Would do \(dry-run\): /);
  });

  it('never exceeds the body budget, whatever the reason text', () => {
    const body = formatBody({ ...BASE, reason: '€'.repeat(400_000) });
    expect(utf8Bytes(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(body.endsWith('[truncated]')).toBe(true);
  });
});

describe('formatMessageAttributes', () => {
  it('exposes severity, event and volume_id as String attributes', () => {
    expect(formatMessageAttributes(BASE)).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      event: { DataType: 'String', StringValue: 'forecast-alert' },
      volume_id: { DataType: 'String', StringValue: 'vol-0123456789abcdef0' },
    });
  });
});

describe('formatChatbotMessage', () => {
  it('produces the custom-notification document AWS Chatbot renders', () => {
    const doc = JSON.parse(formatChatbotMessage(BASE)) as Record<string, Record<string, unknown>>;
    expect(doc.version).toBe('1.0');
    expect(doc.source).toBe('custom');
    expect(doc.content).toMatchObject({ textType: 'client-markdown', title: formatSubject(BASE), keywords: ['critical', 'forecast-alert', 'gp2'] });
    expect(String(doc.content?.description)).toContain('*Why:* Demand 2,400 IOPS');
    expect(doc.metadata).toMatchObject({ threadId: 'vol-0123456789abcdef0', eventType: 'forecast-alert', relatedResources: ['vol-0123456789abcdef0', 'i-0abc'] });
  });
});

describe('formatDuration and truncateUtf8', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [2520, '42m'],
    [12_000, '3h 20m'],
    [187_200, '2d 4h'],
    [Number.POSITIVE_INFINITY, 'never'],
  ])('renders %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('never splits a character and never exceeds the byte budget (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 20, max: 400 }), (text, maxBytes) => {
        const cut = truncateUtf8(text, maxBytes);
        expect(utf8Bytes(cut)).toBeLessThanOrEqual(maxBytes);
        if (utf8Bytes(text) <= maxBytes) expect(cut).toBe(text);
        expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
        expect(Buffer.from(cut, 'utf8').length).toBe(utf8Bytes(cut));
      }),
    );
  });
});
