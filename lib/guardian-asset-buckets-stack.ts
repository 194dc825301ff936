/**
 * One code-asset bucket per target region in the hub account: a Lambda function's code must come
 * from a bucket in its own region, and the spoke accounts are not CDK-bootstrapped. The spoke
 * template names `<prefix>-<region>`; CloudFormation in each spoke account reads the code through
 * the bucket policy, which admits principals of the organization only (aws:PrincipalOrgID).
 */
import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** `<prefix>-<region>`, the name cdk-stacksets' synthesizer puts in the spoke template. */
export function assetBucketName(prefix: string, region: string): string {
  return `${prefix}-${region}`;
}

/** Props of `GuardianAssetBucketsStack`. */
export interface GuardianAssetBucketsStackProps extends StackProps {
  readonly assetBucketPrefix: string;
  readonly organizationId: string;
}

/** The asset bucket of one region. */
export class GuardianAssetBucketsStack extends Stack {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: GuardianAssetBucketsStackProps) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, 'Assets', {
      bucketName: assetBucketName(props.assetBucketPrefix, this.region),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrgReadsGuardianCode',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only the guardian\'s versioned code zips, written by the hub deployment; CloudTrail data events are the audit trail if wanted, a log bucket per region adds cost and nothing to read.',
    });
  }
}
