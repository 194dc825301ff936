/**
 * Routing of notifications to the paging or the informational topic (issue 16). Pages: throttled
 * now, a forecast in the page tier (`core/forecast/alert-tier.ts`), a blocked rescue, a guardian
 * failure. Notices: early warnings, actions the guardian took, recommendations, recoveries.
 */
import { alertTier } from '../forecast/alert-tier';
import { tierRuleOf } from '../decision/triggers';
import type { Policy } from '../policy/schema';
import type { GuardianNotification, NotificationEvent, NotificationRoute, Notifier } from '../ports';
import type { Forecast } from '../types';

/** The route and page confidence of a notification about `event`, judged on its forecast under the policy. */
export function routeOf(event: NotificationEvent, forecast: Forecast | undefined, policy: Pick<Policy, 'alerting' | 'schedule' | 'dryRun'>): { route: NotificationRoute; pageConfidence?: number } {
  if (event === 'throttled' || event === 'blocked' || event === 'failure') return { route: 'page' };
  if (event === 'revert' || event === 'stay-recommendation' || event === 'recovered') return { route: 'notice' };
  // A rescue really made needs nobody; a dry-run rescue is a person's job when the drain will hold.
  if (event === 'rescue' && !policy.dryRun) return { route: 'notice' };
  // Without a forecast (an override's immediate rescue) nothing is running out.
  if (forecast === undefined) return { route: 'notice' };
  const verdict = alertTier(forecast, tierRuleOf(policy));
  const route: NotificationRoute = verdict.tier === 'page' ? 'page' : 'notice';
  return verdict.pageConfidence === undefined ? { route } : { route, pageConfidence: verdict.pageConfidence };
}

/** A notifier that sends pages to `page` and notices to `notice` (absent route = page). */
export function routingNotifier(targets: { readonly page: Notifier; readonly notice: Notifier }): Notifier {
  return { notify: (n: GuardianNotification) => (n.route === 'notice' ? targets.notice : targets.page).notify(n) };
}
