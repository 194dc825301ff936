/**
 * Early, loud checks of `BurstGuardian`'s props (STYLE.md §6): every message shows the bad value.
 * Limits: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
import { Token } from 'aws-cdk-lib';
import { GuardianPropsError } from '../lambda/core/errors';
import type { BurstGuardianProps } from './burst-guardian';

/** Throws `GuardianPropsError` naming the prop and its value when a prop is out of range or contradictory. */
export function validateGuardianProps(props: BurstGuardianProps): void {
  const memory = props.scanMemorySizeMiB;
  if (memory !== undefined && (!Number.isInteger(memory) || memory < 128 || memory > 10_240)) {
    throw new GuardianPropsError(`scanMemorySizeMiB must be a whole number of MiB in 128–10240, got ${memory}`);
  }
  const timeoutSeconds = props.scanTimeout?.toSeconds();
  if (timeoutSeconds !== undefined && (timeoutSeconds < 1 || timeoutSeconds > 900)) {
    throw new GuardianPropsError(`scanTimeout must be 1 s–15 min, got ${timeoutSeconds} s`);
  }
  const email = props.alertEmail;
  if (email !== undefined && !Token.isUnresolved(email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new GuardianPropsError(`alertEmail is not an e-mail address: '${email}'`);
  }
  for (const [name, value] of [['metricsNamespace', props.metricsNamespace], ['probeNamespace', props.probeNamespace]] as const) {
    // CloudWatch reserves the AWS/ prefix (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Namespace).
    if (value !== undefined && (value.length === 0 || value.length > 255 || value.startsWith('AWS/'))) {
      throw new GuardianPropsError(`${name} must be 1–255 characters and not start with 'AWS/', got '${value}'`);
    }
  }
}
