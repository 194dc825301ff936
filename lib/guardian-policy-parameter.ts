/**
 * The policy's runtime home: an SSM String parameter holding the policy file's text verbatim, read
 * by both functions (GetParameter only, on this one parameter) and overwritten by
 * `burst-guardian policy push`. The bundles still embed the policy: it is the first last-good one.
 * Tier Intelligent-Tiering: standard (free, 4 KB) while the text fits, advanced (8 KB) when it does not
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { GuardianPropsError } from '../lambda/core/errors';
import { POLICY_PARAMETER_ENV, policyParameterName, policyTextTooLarge } from '../lambda/shared/policy-parameter';

/** Props of `GuardianPolicyParameter`. */
export interface GuardianPolicyParameterProps {
  /** The policy file's text (already validated by `parsePolicy`). */
  readonly text: string;
  /** @default `/ebs-burst-guardian/<stack name>/policy` */
  readonly parameterName?: string;
}

/** The parameter, and how a function is given it. */
export class GuardianPolicyParameter extends Construct {
  readonly parameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: GuardianPolicyParameterProps) {
    super(scope, id);
    const tooLarge = policyTextTooLarge(props.text);
    if (tooLarge !== undefined) throw new GuardianPropsError(tooLarge);
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: props.parameterName ?? policyParameterName(Stack.of(this).stackName),
      description: 'ebs-burst-guardian policy (YAML); change it with: burst-guardian policy push FILE',
      stringValue: props.text,
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
    });
  }

  /** The environment variable the handlers read the parameter's name from. */
  environment(): Record<string, string> {
    return { [POLICY_PARAMETER_ENV]: this.parameter.parameterName };
  }

  /** GetParameter on this parameter only (Powertools' SSMProvider.get sends GetParameter). */
  grantRead(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadPolicyParameter', actions: ['ssm:GetParameter'], resources: [this.parameter.parameterArn] }));
  }
}
