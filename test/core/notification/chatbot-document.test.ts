/**
 * The Chatbot message against AWS Chatbot's custom-notification event schema, written here from
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html ("Event schema" and
 * "Parameter details"): version must be "1.0", source must be "custom", id optional; content with
 * textType (only "client-markdown" is supported), title, description, nextSteps[] and keywords[];
 * metadata with threadId, summary, eventType, relatedResources[] and additionalContext (string
 * values). No other keys. Length caps are the ones the formatter promises (CHATBOT_LIMITS).
 */
import fc from 'fast-check';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { CHATBOT_LIMITS, formatChatbotMessage } from '../../../lambda/core/notification/chatbot';
import type { GuardianNotification, NotificationEvent } from '../../../lambda/core/ports';

const CustomNotificationSchema = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.string().min(1).optional(),
  content: z.strictObject({
    textType: z.literal('client-markdown').optional(),
    title: z.string().min(1).max(CHATBOT_LIMITS.titleChars),
    description: z.string().min(1).refine((d) => Buffer.byteLength(d, 'utf8') <= CHATBOT_LIMITS.descriptionBytes),
    nextSteps: z.array(z.string().min(1)).min(1).max(CHATBOT_LIMITS.nextSteps),
    keywords: z.array(z.string().min(1)).min(1).max(CHATBOT_LIMITS.keywords),
  }),
  metadata: z
    .strictObject({
      threadId: z.string().min(1).optional(),
      summary: z.string().optional(),
      eventType: z.string().optional(),
      relatedResources: z.array(z.string()).optional(),
      additionalContext: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

const EVENTS: readonly NotificationEvent[] = ['forecast-alert', 'escalation', 'throttled', 'rescue', 'revert', 'stay-recommendation', 'recovered', 'blocked', 'failure', 'rescue-failed', 'left-control'];

const BASE: GuardianNotification = {
  event: 'forecast-alert', severity: 'warning', tEpochSeconds: 1_767_225_600, volumeId: 'vol-0abc1234def567890', volumeType: 'gp2', sizeGiB: 100,
  nameTag: 'ci-runner-3', instanceId: 'i-0abc1234def567890', region: 'us-east-1', balancePercent: 20, secondsToEmpty: 1800, demandPerSecond: 2900,
  action: 'only alerts: the policy does not let it rescue this volume now', reason: 'forecast empty in 30 min (alert horizon 180 min)', dryRun: true,
  manualTarget: { type: 'gp3', iops: 3000, throughputMiBps: 125 }, optInTag: { key: 'burst-guardian', value: 'managed' },
  deployment: { accountId: '123456789012', region: 'us-east-1', dashboardName: 'g', historyTableName: 't' },
};

describe('the Chatbot custom-notification document', () => {
  it.each(EVENTS)('is a valid custom notification for a %s', (event) => {
    const doc = JSON.parse(formatChatbotMessage({ ...BASE, event })) as unknown;
    const result = CustomNotificationSchema.safeParse(doc);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('stays valid for any name, reason and volume (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 20_000 }), fc.constantFrom(...EVENTS), fc.boolean(), (nameTag, reason, event, dryRun) => {
        const doc = JSON.parse(formatChatbotMessage({ ...BASE, nameTag, reason: reason === '' ? 'x' : reason, event, dryRun })) as unknown;
        expect(CustomNotificationSchema.safeParse(doc).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects what Chatbot would refuse (the schema can fail)', () => {
    const doc = JSON.parse(formatChatbotMessage(BASE)) as Record<string, unknown>;
    expect(CustomNotificationSchema.safeParse({ ...doc, version: '2.0' }).success).toBe(false);
    expect(CustomNotificationSchema.safeParse({ ...doc, source: 'aws.ec2' }).success).toBe(false);
    expect(CustomNotificationSchema.safeParse({ ...doc, extra: 1 }).success).toBe(false);
  });
});
