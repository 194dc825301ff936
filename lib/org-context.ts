/**
 * The organization shape of the CDK app, read from the context (`-c organizationalUnits=… -c regions=…`)
 * and checked before any construct exists; every error names the context key and the bad value.
 * Formats: OU ids `ou-<root 4–32>-<8–32>` and organization ids `o-<10–32>`
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html,
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html).
 */
import { GuardianPropsError } from '../lambda/core/errors';

/** What the hub and the StackSet need. */
export interface OrgDeployment {
  readonly organizationId: string;
  readonly organizationalUnits: readonly string[];
  readonly regions: readonly string[];
  /** The hub's (delegated administrator's or management) account and region: explicit, so synth needs no credentials. */
  readonly hubAccount: string;
  readonly hubRegion: string;
  /** `SELF` from the management account, `DELEGATED_ADMIN` from a delegated administrator. */
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
}

const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;

/** Reads the organization context, or undefined for the plain single-account deployment (no `organizationalUnits`). */
export function readOrgContext(ctx: (key: string) => string | undefined): OrgDeployment | undefined {
  const ous = list(ctx('organizationalUnits'));
  if (ous === undefined) {
    for (const key of ['regions', 'organizationId', 'callAs']) {
      if (ctx(key) !== undefined) throw new GuardianPropsError(`context ${key} needs organizationalUnits (the OUs the guardian is deployed to)`);
    }
    return undefined;
  }
  for (const ou of ous) if (!OU_ID.test(ou)) throw new GuardianPropsError(`context organizationalUnits: '${ou}' is not an OU id (ou-xxxx-yyyyyyyy)`);
  const regions = list(ctx('regions'));
  if (regions === undefined) throw new GuardianPropsError('context regions is required with organizationalUnits (e.g. -c regions=us-east-1,eu-west-1)');
  for (const region of regions) if (!REGION.test(region)) throw new GuardianPropsError(`context regions: '${region}' is not a region name (e.g. eu-west-1)`);
  const organizationId = required(ctx, 'organizationId', ORG_ID, 'an organization id (o-xxxxxxxxxx)');
  const hubAccount = required(ctx, 'account', ACCOUNT, 'a 12-digit account id (the hub: management or delegated administrator account)');
  const hubRegion = required(ctx, 'region', REGION, 'a region name (the hub region)');
  const callAs = ctx('callAs') ?? 'SELF';
  if (callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN') throw new GuardianPropsError(`context callAs must be SELF or DELEGATED_ADMIN, got '${callAs}'`);
  return { organizationId, organizationalUnits: dedupe(ous), regions: dedupe(regions), hubAccount, hubRegion, callAs };
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((v) => v.trim());
  if (items.some((v) => v === '')) throw new GuardianPropsError(`context list '${value}' has an empty item`);
  return items;
}

function required(ctx: (key: string) => string | undefined, key: string, pattern: RegExp, what: string): string {
  const value = ctx(key);
  if (value === undefined) throw new GuardianPropsError(`context ${key} is required with organizationalUnits: ${what}`);
  if (!pattern.test(value)) throw new GuardianPropsError(`context ${key}: '${value}' is not ${what}`);
  return value;
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}
