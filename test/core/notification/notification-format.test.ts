import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatChatbotMessage } from '../../../lambda/core/notification/chatbot';
import {
  formatBody,
  formatFacts,
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
  instanceId: 'i-0abc1234def567890',
  region: 'eu-west-1',
  balancePercent: 12.34,
  secondsToEmpty: 2520,
  containerStartP90Ms: 8200,
  action: 'only alerts: the policy does not let it rescue this volume now',
  reason: 'Demand 2,400 IOPS exceeds the 300 IOPS baseline.',
  dryRun: false,
  monthlyCostDeltaUSD: -2,
  demandPerSecond: 2400,
  manualTarget: { type: 'gp3', iops: 3000, throughputMiBps: 125 },
  optInTag: { key: 'burst-guardian', value: 'managed' },
  deployment: { accountId: '123456789012', region: 'eu-west-1', dashboardName: 'Guardian-eu-west-1', historyTableName: 'GuardianHistory' },
};

const RESCUE: GuardianNotification = {
  ...BASE,
  event: 'rescue',
  severity: 'warning',
  secondsToEmpty: 3480,
  change: { from: { type: 'gp2' }, to: { type: 'gp3', iops: 3000, throughputMiBps: 125 } },
  manualTarget: { type: 'gp3', iops: 3000, throughputMiBps: 125 },
  action: 'is rescuing it now: ModifyVolume to gp3, 3,000 IOPS, 125 MiB/s was requested',
};


describe('formatSubject', () => {
  it.each<[string, Partial<GuardianNotification>, string]>([
    ['a forecast alert', {}, '[CRITICAL] vol-0123456789abcdef0 (ci-runner-3): empties in ~42m (00:42 UTC); alert only'],
    ['a live rescue', RESCUE, '[WARNING] vol-0123456789abcdef0 (ci-runner-3): empties in ~58m; rescuing now gp2->gp3 3,000 IOPS'],
    ['a dry-run rescue (the IOPS give way before the name)', { ...RESCUE, dryRun: true }, '[WARNING] vol-0123456789abcdef0 (ci-runner-3): empties in ~58m; would rescue to gp3 (dry run)'],
    ['a dry-run rescue of a volume with a short name', { ...RESCUE, dryRun: true, nameTag: 'ci' }, '[WARNING] vol-0123456789abcdef0 (ci): empties in ~58m; would rescue gp2->gp3 3,000 IOPS (dry run)'],
    ['a throttled volume', { event: 'throttled', secondsToEmpty: 0 }, '[CRITICAL] vol-0123456789abcdef0 (ci-runner-3): THROTTLED now: credits empty, IOPS at baseline'],
    ['a blocked rescue', { event: 'blocked', nextAllowedEpochSeconds: 1_767_229_200, blockReason: 'rate-limit' }, '[CRITICAL] vol-0123456789abcdef0 (ci-runner-3): rescue BLOCKED (rate-limit) until 01:00 UTC'],
    ['a failed rescue', { event: 'rescue-failed' }, '[CRITICAL] vol-0123456789abcdef0 (ci-runner-3): rescue FAILED; empties in ~42m; rescue it by hand'],
    ['a volume someone else modified', { event: 'left-control', severity: 'warning' }, '[WARNING] vol-0123456789abcdef0 (ci-runner-3): modified by someone else; the guardian let go of it'],
  ])('says what is happening and what the guardian does for %s', (_label, overrides, subject) => {
    const n = { ...BASE, ...overrides };
    if (subject.length <= 99) expect(formatSubject(n)).toBe(subject);
    else {
      // Too long: only the name gives way, keeping every character there is room for.
      expect(formatSubject(n)).toHaveLength(99);
      expect(formatSubject(n)).toContain(subject.slice(subject.indexOf('): ') + 1));
      expect(formatSubject(n)).toMatch(/\(ci-[a-z0-9-]*~\)/);
    }
  });

  it('offers the manual rescue for a failed rescue', () => {
    expect(formatBody({ ...BASE, event: 'rescue-failed' })).toContain('aws ec2 modify-volume --region eu-west-1 --volume-id vol-0123456789abcdef0 --volume-type gp3');
  });

  it('never says rescued or rescuing in a dry run', () => {
    for (const event of ['rescue', 'revert'] as const) {
      const subject = formatSubject({ ...RESCUE, event, dryRun: true });
      expect(subject).toMatch(/would (rescue|revert)/);
      expect(subject).not.toMatch(/rescued|rescuing|reverting/);
    }
  });

  it('keeps the whole name tag when the subject has room, and every character there is room for when not (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,120}$/), fc.constantFrom<Partial<GuardianNotification>>({}, RESCUE, { ...RESCUE, dryRun: true }), (nameTag, overrides) => {
        const n = { ...BASE, ...overrides, nameTag };
        const subject = formatSubject(n);
        if (subject.includes(`(${nameTag})`)) return;
        // Cut: the subject is full to the last character, and the name ends in the cut marker.
        expect(subject.length).toBe(99);
        expect(subject).toMatch(/\([a-z0-9-]+~\): /);
      }),
    );
  });

  it('keeps any subject under 100 printable ASCII characters with no line break (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.string({ maxLength: 200 }), fc.boolean(), (nameTag, volumeId, dryRun) => {
        const subject = formatSubject({ ...RESCUE, nameTag, volumeId, dryRun });
        expect(subject.length).toBeLessThan(100);
        expect(subject).toMatch(/^[\x20-\x7e]*$/);
      }),
    );
  });
});

describe('formatBody', () => {
  it('says what is happening, what the guardian does, what to do, then the facts (plain text)', () => {
    const body = formatBody(BASE);
    const lines = body.split('\n');
    expect(lines[0]).toBe('CRITICAL: vol-0123456789abcdef0 (ci-runner-3): empties in ~42m (00:42 UTC); alert only');
    expect(lines.indexOf('WHAT IS HAPPENING')).toBeLessThan(lines.indexOf('WHAT THE GUARDIAN DOES'));
    expect(lines.indexOf('WHAT THE GUARDIAN DOES')).toBeLessThan(lines.indexOf('WHAT YOU CAN DO'));
    expect(lines).toContain('    aws ec2 modify-volume --region eu-west-1 --volume-id vol-0123456789abcdef0 --volume-type gp3 --iops 3000 --throughput 125');
    expect(lines).toContain('    aws ec2 delete-tags --region eu-west-1 --resources vol-0123456789abcdef0 --tags Key=burst-guardian');
    expect(lines).toContain('    aws ec2 create-tags --region eu-west-1 --resources vol-0123456789abcdef0 --tags Key=burst-guardian,Value=managed');
    expect(lines).toContain('    npm run --silent guardian -- history vol-0123456789abcdef0 --table GuardianHistory --region eu-west-1');
    expect(lines).toContain('    https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#VolumeDetails:volumeId=vol-0123456789abcdef0');
    expect(lines).toContain('    https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/Guardian-eu-west-1');
    expect(lines).toContain('Where: instance i-0abc1234def567890, account 123456789012, region eu-west-1');
    expect(lines).toContain('Burst balance: 12.3% at 2,400 IOPS of demand');
    expect(lines).toContain('Credits empty at: 2026-01-01T00:42:00Z (in ~42m)');
    expect(lines).toContain('Container start p90: 8.2 s');
    expect(lines).toContain('Cost: -$2.00/month');
    expect(lines).toContain('Sent: 2026-01-01T00:00:00Z');
    expect(body).not.toMatch(/\b1[0-9]{9}\b/);
    expect(body).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('marks a dry run as what the guardian would do, and still offers the manual rescue', () => {
    const body = formatBody({ ...RESCUE, dryRun: true, action: 'would rescue it to gp3, 3,000 IOPS, 125 MiB/s (dry run: nothing was modified)' });
    expect(body).toContain('WHAT THE GUARDIAN WOULD DO (dry run: it modifies nothing)');
    expect(body).toContain('aws ec2 modify-volume');
    expect(body).not.toContain('describe-volumes-modifications');
  });

  it('offers progress instead of a manual rescue when the guardian is rescuing', () => {
    const body = formatBody(RESCUE);
    expect(body).toContain('aws ec2 describe-volumes-modifications --region eu-west-1 --volume-ids vol-0123456789abcdef0');
    expect(body).not.toContain('aws ec2 modify-volume');
  });

  it('says to exclude the volume in the policy when no opt-in tag selects it', () => {
    const { optInTag: _omit, ...rest } = BASE;
    expect(formatBody(rest)).toContain('Pause the guardian for this volume: add vol-0123456789abcdef0 to selection.excludeVolumeIds in the policy file and redeploy');
  });

  it('never exceeds the body budget, whatever the reason text', () => {
    const body = formatBody({ ...BASE, reason: '€'.repeat(400_000) });
    expect(utf8Bytes(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(body.endsWith('[truncated]')).toBe(true);
  });
});

describe('formatMessageAttributes', () => {
  it('exposes severity, event, volume_id, dry_run, account_id and region as String attributes', () => {
    expect(formatMessageAttributes(BASE)).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      event: { DataType: 'String', StringValue: 'forecast-alert' },
      volume_id: { DataType: 'String', StringValue: 'vol-0123456789abcdef0' },
      dry_run: { DataType: 'String', StringValue: 'false' },
      account_id: { DataType: 'String', StringValue: '123456789012' },
      region: { DataType: 'String', StringValue: 'eu-west-1' },
      route: { DataType: 'String', StringValue: 'page' },
    });
    expect(formatMessageAttributes({ ...BASE, route: 'notice' }).route).toEqual({ DataType: 'String', StringValue: 'notice' });
  });

  it('quotes the calibrated page confidence as a measurable share', () => {
    expect(formatFacts({ ...BASE, pageConfidence: 0.934 })).toContain('Page confidence: 93% of such drains emptied the bucket');
  });

  it.each([
    [{ id: '210987654321', name: 'prod-payments' }, 'account 210987654321 (prod-payments), region eu-west-1'],
    [{ id: '210987654321' }, 'account 210987654321, region eu-west-1'],
    [undefined, 'account 123456789012, region eu-west-1'],
  ])("names the scan's account %o over the notifier's deployment", (account, where) => {
    const n = { ...BASE, ...(account === undefined ? {} : { account }) };
    expect(formatFacts(n)).toContain(`Where: instance i-0abc1234def567890, ${where}`);
    expect(formatMessageAttributes(n).account_id?.StringValue).toBe(account?.id ?? '123456789012');
  });
});

describe('formatChatbotMessage', () => {
  it('puts the subject phrase in the title, the commands in next steps and threads by volume', () => {
    const doc = JSON.parse(formatChatbotMessage(BASE)) as { content: { title: string; description: string; nextSteps: string[]; keywords: string[] }; metadata: Record<string, unknown> };
    expect(doc.content.title).toBe(':rotating_light: CRITICAL vol-0123456789abcdef0 (ci-runner-3): empties in ~42m (00:42 UTC); alert only');
    expect(doc.content.description).toContain('*What is happening:* Demand 2,400 IOPS');
    expect(doc.content.nextSteps[0]).toBe('Rescue it by hand now (to gp3, 3,000 IOPS, 125 MiB/s): `aws ec2 modify-volume --region eu-west-1 --volume-id vol-0123456789abcdef0 --volume-type gp3 --iops 3000 --throughput 125`');
    expect(doc.content.nextSteps.some((s) => s.startsWith('<https://eu-west-1.console.aws.amazon.com/cloudwatch/'))).toBe(true);
    expect(doc.content.keywords).toEqual(['critical', 'forecast-alert', 'gp2']);
    expect(doc.metadata).toMatchObject({ threadId: 'vol-0123456789abcdef0', eventType: 'forecast-alert', relatedResources: ['vol-0123456789abcdef0', 'i-0abc1234def567890'] });
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
