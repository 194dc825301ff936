/**
 * The HTML report's "Instance EBS buckets" section (issue 15 part 1): instances whose own EBS burst
 * bucket was alerted on or refused a volume's flip, with the fix the latest alert suggested. Every
 * value is escaped; nothing here is priced into the volumes' costs (the guardian never changes an instance).
 */
import type { FinanceReport } from '../core/report/report';
import { escapeHtml, isoUtc, percent } from './format';

const HEAD = ['instance', 'type', 'alerts', 'pages', 'refused flips', 'lowest balance', 'last alert (UTC)', 'volumes', 'fix'];

/** The section, or '' when the period holds no instance alert or refusal. */
export function instancesSection(report: FinanceReport): string {
  const section = report.instances;
  if (section === undefined) return '';
  const td = (text: string, cls?: string): string => `<td${cls === undefined ? '' : ` class="${cls}"`}>${escapeHtml(text)}</td>`;
  const rows = section.instances.map((i) => `<tr>${[
    td(i.instanceId), td(i.instanceType ?? '-'), td(String(i.alertsSent), 'n'), td(String(i.pagesSent), 'n'), td(String(i.refusedFlips), 'n'),
    td(percent(i.lowestBalancePercent), 'n'), td(i.lastAlertEpochSeconds === undefined ? '-' : isoUtc(i.lastAlertEpochSeconds), 't'),
    td(i.volumeIds.join(' ') || '-'), `<td><div class="rec">${escapeHtml(i.fix?.text ?? '-')}</div></td>`,
  ].join('')}</tr>`);
  return `<h2>Instance EBS buckets</h2>
<p class="note" id="instances-summary">${section.instances.length} instance(s), ${section.alertsSent} alert(s) sent, ${section.refusedFlips} volume flip(s) refused: the instance's own EBS burst bucket, not the volume's, was the wall. The guardian never changes an instance; the fix is the latest alert's suggestion.</p>
<div class="scroll"><table id="instances"><thead><tr>${HEAD.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
