/**
 * The key an EC2 instance's own history is stored under (issue 15 part 1): its bare instance id
 * (`i-0abc…`), the same key its `instance-bucket` notification state already used. EBS volume ids
 * start with `vol-` and RDS keys with `rds:` (rds-ports.ts), so the three never collide and
 * `history i-0abc…` reads an instance's alerts from the same partition.
 */

/** True for an instance's key (`i-…`), never an EBS volume id or an RDS key. */
export function isInstanceKey(key: string): boolean {
  return key.startsWith('i-');
}
