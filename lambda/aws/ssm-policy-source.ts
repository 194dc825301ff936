/**
 * The policy text in SSM Parameter Store. Reads go through Powertools Parameters' `SSMProvider`,
 * which caches a value for `maxAge` seconds (https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/),
 * so a scan every minute costs at most one GetParameter a minute. Writes (`policy push`) call
 * PutParameter directly: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { POLICY_PARAMETER_MAX_AGE_SECONDS } from '../shared/policy-parameter';
import { errorCode } from './ec2-errors';

/** Reads the current policy text (cached), or throws what SSM answered. */
export interface PolicyTextSource {
  /** Where the text comes from, as problems name it (`ssm:/ebs-burst-guardian/Stack/policy`). */
  readonly location: string;
  fetch(): Promise<string>;
}

/** `PolicyTextSource` over Powertools' cached `SSMProvider`. */
export class SsmPolicySource implements PolicyTextSource {
  readonly location: string;
  private readonly provider: SSMProvider;

  constructor(private readonly options: { readonly client: SSMClient; readonly parameterName: string; readonly maxAgeSeconds?: number }) {
    this.provider = new SSMProvider({ awsSdkV3Client: options.client });
    this.location = `ssm:${options.parameterName}`;
  }

  async fetch(): Promise<string> {
    const value = await this.provider.get(this.options.parameterName, { maxAge: this.options.maxAgeSeconds ?? POLICY_PARAMETER_MAX_AGE_SECONDS });
    // GetParameter answers ParameterNotFound for a missing name; an empty String parameter is impossible (min length 1).
    if (typeof value !== 'string') throw new Error(`${this.location}: Parameter Store returned no value`);
    return value;
  }
}

/** Reads the stored text without cache, or undefined when the parameter does not exist (ParameterNotFound). */
export async function readPolicyParameter(client: SSMClient, parameterName: string): Promise<string | undefined> {
  try {
    const answer = await client.send(new GetParameterCommand({ Name: parameterName }));
    return answer.Parameter?.Value;
  } catch (error) {
    if (errorCode(error) === 'ParameterNotFound') return undefined;
    throw error;
  }
}

/** Overwrites the parameter with the policy text; Intelligent-Tiering picks the advanced tier only when the text needs it. */
export async function writePolicyParameter(client: SSMClient, parameterName: string, text: string): Promise<number | undefined> {
  const answer = await client.send(new PutParameterCommand({ Name: parameterName, Value: text, Type: 'String', Overwrite: true, Tier: 'Intelligent-Tiering' }));
  return answer.Version;
}
