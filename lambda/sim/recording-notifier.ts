/**
 * The simulator's `Notifier`: keeps every notification the guardian sends, with its SNS subject,
 * so `simulate --policy` and `npm start` can show what on-call would have received.
 */
import { formatSubject } from '../core/notification/format';
import type { GuardianNotification, NotificationEvent, Notifier } from '../core/ports';

/** One notification as the simulator reports it. */
export interface RecordedNotification {
  readonly tEpochSeconds: number;
  readonly kind: NotificationEvent;
  /** The SNS subject the real notifier would send. */
  readonly subject: string;
  readonly notification: GuardianNotification;
}

/** A `Notifier` that records instead of publishing. */
export class RecordingNotifier implements Notifier {
  private readonly recorded: RecordedNotification[] = [];

  /** Records the notification with its formatted subject. */
  async notify(notification: GuardianNotification): Promise<void> {
    this.recorded.push({ tEpochSeconds: notification.tEpochSeconds, kind: notification.event, subject: formatSubject(notification), notification });
  }

  /** Everything recorded so far, in send order. */
  get notifications(): readonly RecordedNotification[] {
    return this.recorded;
  }
}
