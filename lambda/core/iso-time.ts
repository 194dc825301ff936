/** ISO-8601 UTC for history summaries and messages people read (STYLE.md §20: never epoch seconds). */

/** `2027-01-15T08:00:00Z` for an epoch second. Date only renders the given instant; it never reads the clock. */
export function isoUtc(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `14:05 UTC`, for subjects where the date is the alert's own. */
export function clockUtc(epochSeconds: number): string {
  return `${isoUtc(epochSeconds).slice(11, 16)} UTC`;
}
