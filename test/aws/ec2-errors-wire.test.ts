/**
 * The error mapping against errors the real SDK deserializes from EC2's XML wire format (a custom
 * request handler answers in-process; nothing leaves the process).
 */
import { Readable } from 'node:stream';
import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { InvalidModificationError, ModificationInProgressError, ModificationRateExceededError } from '../../lambda/core/errors';
import { Ec2VolumeModifier } from '../../lambda/aws/ec2-volume-modifier';

function ec2Answering(status: number, code: string, message: string): EC2Client {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`;
  return new EC2Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({ response: { statusCode: status, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(body)]) } }),
    },
  });
}

const REQUEST = { volumeId: 'vol-1', targetType: 'gp3' as const, iops: 3000, throughputMiBps: 125 };

describe('EC2 wire errors', () => {
  it('resolves a dry run answered with DryRunOperation (HTTP 412)', async () => {
    const modifier = new Ec2VolumeModifier({ client: ec2Answering(412, 'DryRunOperation', 'Request would have succeeded, but DryRun flag is set.') });
    await expect(modifier.modifyVolume(REQUEST, { dryRun: true })).resolves.toBeUndefined();
  });

  it.each([
    ['IncorrectModificationState', ModificationInProgressError],
    ['InvalidParameterCombination', InvalidModificationError],
  ] as const)('throws the domain error for a deserialized %s', async (code, errorClass) => {
    const modifier = new Ec2VolumeModifier({ client: ec2Answering(400, code, 'nope') });
    const error = await modifier.modifyVolume(REQUEST, { dryRun: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).cause).toMatchObject({ name: code });
  });

  it('throws ModificationRateExceededError with the time read from the deserialized message', async () => {
    const modifier = new Ec2VolumeModifier({
      client: ec2Answering(400, 'VolumeModificationRateExceeded', "You've reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume."),
      nowEpochSeconds: () => 1000,
    });
    const error = (await modifier.modifyVolume(REQUEST, { dryRun: false }).catch((e: unknown) => e)) as ModificationRateExceededError;
    expect(error).toBeInstanceOf(ModificationRateExceededError);
    expect(error.nextAllowedEpochSeconds).toBe(1000 + 6 * 3600);
  });
});
