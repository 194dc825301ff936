/**
 * Where the deployed policy lives at runtime: an SSM Parameter Store String parameter holding the
 * policy file's text verbatim (so a problem's line is the pushed file's line). The CDK side creates
 * it, the handlers read it, `burst-guardian policy push` writes it; this file keeps them agreeing.
 */

/** Handler environment variable naming the parameter (unset: the bundle's embedded policy only). */
export const POLICY_PARAMETER_ENV = 'POLICY_PARAMETER_NAME';

/** Stack output naming the parameter (`policy push --stack` looks it up). */
export const POLICY_PARAMETER_OUTPUT_KEY = 'PolicyParameterName';

/**
 * Value limits of String parameters: 4 KB in the standard tier, 8 KB in the advanced tier
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
 * AWS answers a larger standard value with "Standard tier parameters support a maximum parameter
 * value of 4096 characters". The deployment and `policy push` use the Intelligent-Tiering tier, which
 * picks standard when the value fits and advanced (billed per parameter) when it does not.
 */
export const POLICY_PARAMETER_LIMITS = { standardChars: 4096, advancedChars: 8192 } as const;

/** Seconds a fetched value is reused before Parameter Store is asked again (one GetParameter per scan at most). */
export const POLICY_PARAMETER_MAX_AGE_SECONDS = 60;

/** The parameter's name for a stack: `/ebs-burst-guardian/<stack>/policy` (names may not start with `aws` or `ssm`). */
export function policyParameterName(stackName: string): string {
  return `/ebs-burst-guardian/${stackName}/policy`;
}

/** Why a policy text cannot be stored, or undefined when it fits (length in characters, as AWS counts). */
export function policyTextTooLarge(text: string): string | undefined {
  const length = [...text].length;
  if (length <= POLICY_PARAMETER_LIMITS.advancedChars) return undefined;
  return `the policy is ${length} characters; Parameter Store holds at most ${POLICY_PARAMETER_LIMITS.advancedChars} (advanced tier): remove comments or defaults`;
}
