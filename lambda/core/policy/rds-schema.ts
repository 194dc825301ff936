/**
 * The policy's `rds` section (issue 15 part 2): RDS DB instances on gp2 storage, selected by the
 * policy's opt-in tag like volumes, forecast on `AWS/RDS` BurstBalance, and, only when `rescue` is
 * true, moved to gp3 with ModifyDBInstance. Off by default: a policy that says nothing about RDS
 * never lists, reads or touches a database.
 */
import * as z from 'zod';

/** DB instance identifiers: 1–63 letters, digits or hyphens, starting with a letter (CreateDBInstance constraints). */
const dbInstanceIdentifier = z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'a DB instance identifier: 1–63 letters, digits or hyphens, starting with a letter');

const tagMatch = z
  .record(z.string().min(1), z.array(z.string()))
  .describe('tag key → allowed values; an empty list means "the key is present with any value"');

/**
 * The only rescue target: gp3 at its included baseline. No IOPS or throughput is passed: RDS refuses
 * them on gp3 below 400 GiB for MySQL, MariaDB and PostgreSQL ("You can't specify IOPS or storage
 * throughput for engine postgres and a storage size less than 400", InvalidParameterCombination,
 * hashicorp/terraform-provider-aws#28589), and at 400 GiB and more gp3 already includes 12,000 IOPS
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage).
 */
const rdsTargetSchema = z.strictObject({
  type: z.literal('gp3').default('gp3').describe('storage type to move to: gp3 only (at its included baseline)'),
});

/** The `rds` section with every default applied. */
export const RdsPolicySchema = z.strictObject({
  enabled: z.boolean().default(false).describe('watch RDS DB instances on gp2 storage (AWS/RDS BurstBalance)'),
  match: z
    .strictObject({ tags: tagMatch.default({}) })
    .prefault({})
    .describe('which DB instances, besides the opt-in tag (selection.optInTag), by their tags'),
  excludeIdentifiers: z.array(dbInstanceIdentifier).default([]).describe('DB instances never watched, whatever their tags'),
  target: rdsTargetSchema.prefault({}),
  rescue: z
    .boolean()
    .default(false)
    .describe('move a DB instance whose storage is about to run out of burst credits to gp3 (ModifyDBInstance, ApplyImmediately); false = alerts only'),
});

/** The validated `rds` section. */
export type RdsPolicy = z.output<typeof RdsPolicySchema>;
