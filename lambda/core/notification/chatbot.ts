/**
 * The AWS Chatbot (Amazon Q Developer in chat applications) custom-notification document, for Slack
 * and Microsoft Teams channels subscribed to the alert topic. Event schema (version "1.0", source
 * "custom", content.title/description/nextSteps/keywords, metadata.threadId…):
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
import type { GuardianNotification } from '../ports';
import { formatFacts, formatNextSteps, formatSubject, subjectPhrase, truncateUtf8 } from './format';

/** Length caps the document keeps (title and description as Chatbot renders them). */
export const CHATBOT_LIMITS = { titleChars: 250, descriptionBytes: 8000, nextSteps: 8, keywords: 8 } as const;

/** The custom-notification document as Chatbot reads it from the SNS message. */
export interface ChatbotDocument {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

const EMOJI = { critical: ':rotating_light:', warning: ':warning:', info: ':information_source:' } as const;

/** Builds the document; one thread per volume so a volume's alerts read as one conversation. */
export function buildChatbotDocument(n: GuardianNotification): ChatbotDocument {
  const title = `${EMOJI[n.severity]} ${n.severity.toUpperCase()} ${n.volumeId}${n.nameTag ? ` (${n.nameTag})` : ''}: ${subjectPhrase(n)}`;
  const description = [`*What is happening:* ${n.reason}`, `*What the guardian does${n.dryRun ? ' (dry run)' : ''}:* the guardian ${n.action}`, ...formatFacts(n)].join('\n');
  const nextSteps = formatNextSteps(n)
    .map((s) => (s.command !== undefined ? `${s.label}: \`${s.command}\`` : s.url !== undefined ? `<${s.url}|${s.label}>` : s.label))
    .slice(0, CHATBOT_LIMITS.nextSteps);
  return {
    version: '1.0',
    source: 'custom',
    id: `${n.volumeId}-${n.event}-${n.tEpochSeconds}`,
    content: {
      textType: 'client-markdown',
      title: title.length <= CHATBOT_LIMITS.titleChars ? title : `${title.slice(0, CHATBOT_LIMITS.titleChars - 3)}...`,
      description: truncateUtf8(description, CHATBOT_LIMITS.descriptionBytes),
      nextSteps,
      keywords: [n.severity, n.event, n.volumeType, ...(n.dryRun ? ['dry-run'] : [])],
    },
    metadata: {
      threadId: n.volumeId,
      summary: formatSubject(n),
      eventType: n.event,
      relatedResources: [n.volumeId, ...(n.instanceId === undefined ? [] : [n.instanceId])],
      additionalContext: { severity: n.severity, dryRun: String(n.dryRun), ...(n.region === undefined ? {} : { region: n.region }) },
    },
  };
}

/** The document as the JSON string Chatbot expects in the SNS message. */
export function formatChatbotMessage(n: GuardianNotification): string {
  return JSON.stringify(buildChatbotDocument(n));
}
