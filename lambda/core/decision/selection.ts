/**
 * Which volumes the policy manages, and which override applies. Selection is checked against the
 * volume's original type, so a volume the guardian flipped to gp3 stays managed.
 */
import type { Policy, PolicyOverride, TagMatch } from '../policy/schema';
import type { VolumeDescription, VolumeType } from '../types';

/** True when the tags satisfy every key of `match` (an empty value list = the key is present). */
export function tagsMatch(tags: Readonly<Record<string, string>>, match: TagMatch): boolean {
  return Object.entries(match).every(([key, values]) => {
    const value = tags[key];
    return value !== undefined && (values.length === 0 || values.includes(value));
  });
}

/** True when any key of `match` is satisfied (used for exclusions). */
function anyTagMatches(tags: Readonly<Record<string, string>>, match: TagMatch): boolean {
  return Object.entries(match).some(([key, values]) => tagsMatch(tags, { [key]: values }));
}

/** Whether the policy selects a volume, and why not when it does not. */
export function selectVolume(policy: Policy, volume: VolumeDescription, originalType: VolumeType): { selected: true } | { selected: false; reason: string } {
  const s = policy.selection;
  if (s.excludeVolumeIds.includes(volume.volumeId)) return { selected: false, reason: 'excluded by id' };
  if (anyTagMatches(volume.tags, s.excludeTags)) return { selected: false, reason: 'excluded by tag' };
  if (!(s.volumeTypes as readonly VolumeType[]).includes(originalType)) return { selected: false, reason: `type ${originalType} not selected` };
  if (s.optInTag !== null) {
    const value = volume.tags[s.optInTag.key];
    if (value === undefined || (s.optInTag.value !== undefined && value !== s.optInTag.value)) {
      return { selected: false, reason: `no opt-in tag ${s.optInTag.key}${s.optInTag.value === undefined ? '' : `=${s.optInTag.value}`}` };
    }
  }
  if (s.volumeIds.length > 0 && !s.volumeIds.includes(volume.volumeId)) return { selected: false, reason: 'not in selection.volumeIds' };
  if (!tagsMatch(volume.tags, s.tags)) return { selected: false, reason: 'tags do not match selection.tags' };
  return { selected: true };
}

/** The first override whose match the volume satisfies (ids and tags must both match when both are given). */
export function matchOverride(policy: Policy, volume: VolumeDescription): PolicyOverride | undefined {
  return policy.overrides.find((o) => {
    const idOk = o.match.volumeIds === undefined || o.match.volumeIds.includes(volume.volumeId);
    const tagOk = o.match.tags === undefined || tagsMatch(volume.tags, o.match.tags);
    return idOk && tagOk;
  });
}
