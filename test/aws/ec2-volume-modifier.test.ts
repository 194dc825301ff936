import { DescribeVolumesModificationsCommand, EC2Client, ModifyVolumeCommand, type DescribeVolumesModificationsCommandInput, type VolumeModificationState, type VolumeModification as Ec2Modification } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ApiThrottledError,
  InvalidModificationError,
  ModificationInProgressError,
  ModificationRateExceededError,
  ModificationNotFoundError,
  NotAuthorizedError,
  VolumeNotFoundError,
} from '../../lambda/core/errors';
import { parseNextAllowedEpochSeconds } from '../../lambda/aws/ec2-errors';
import { buildModifyVolumeInput, Ec2VolumeModifier } from '../../lambda/aws/ec2-volume-modifier';

const ec2 = mockClient(EC2Client);
beforeEach(() => ec2.reset());
const NOW = 1_767_225_600;

function modifier(): Ec2VolumeModifier {
  return new Ec2VolumeModifier({ client: new EC2Client({ region: 'us-east-1' }), nowEpochSeconds: () => NOW });
}

function awsError(name: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { name });
}

describe('Ec2VolumeModifier.modifyVolume', () => {
  it.each([
    [{ volumeId: 'vol-1', targetType: 'gp3', iops: 4000, throughputMiBps: 250 }, { VolumeId: 'vol-1', VolumeType: 'gp3', Iops: 4000, Throughput: 250, DryRun: false }],
    [{ volumeId: 'vol-1', targetType: 'io1', iops: 1000, throughputMiBps: 250 }, { VolumeId: 'vol-1', VolumeType: 'io1', Iops: 1000, DryRun: false }],
    [{ volumeId: 'vol-1', targetType: 'io2', iops: 5000 }, { VolumeId: 'vol-1', VolumeType: 'io2', Iops: 5000, DryRun: false }],
    [{ volumeId: 'vol-1', targetType: 'gp2', iops: 300 }, { VolumeId: 'vol-1', VolumeType: 'gp2', DryRun: false }],
  ] as const)('builds an explicit ModifyVolume input for %o', (request, expected) => {
    expect(buildModifyVolumeInput(request, false)).toEqual(expected);
  });

  it('returns the modification EC2 reports', async () => {
    ec2.on(ModifyVolumeCommand).resolves({
      VolumeModification: { VolumeId: 'vol-1', ModificationState: 'modifying', StartTime: new Date(NOW * 1000), OriginalVolumeType: 'gp2', TargetVolumeType: 'gp3', OriginalSize: 100, TargetSize: 100, OriginalIops: 300, TargetIops: 3000, TargetThroughput: 125 },
    });
    const result = await modifier().modifyVolume({ volumeId: 'vol-1', targetType: 'gp3', iops: 3000, throughputMiBps: 125 }, { dryRun: false });
    expect(result).toEqual({ volumeId: 'vol-1', state: 'modifying', startEpochSeconds: NOW, originalType: 'gp2', targetType: 'gp3', originalSizeGiB: 100, targetSizeGiB: 100, originalIops: 300, targetIops: 3000, targetThroughputMiBps: 125 });
  });

  it('treats DryRunOperation as success of a dry run and sends DryRun=true', async () => {
    ec2.on(ModifyVolumeCommand).rejects(awsError('DryRunOperation', 'Request would have succeeded'));
    await expect(modifier().modifyVolume({ volumeId: 'vol-1', targetType: 'gp3', iops: 3000, throughputMiBps: 125 }, { dryRun: true })).resolves.toBeUndefined();
    expect(ec2.commandCalls(ModifyVolumeCommand)[0]?.args[0].input.DryRun).toBe(true);
  });

  it.each([
    ['IncorrectModificationState', ModificationInProgressError],
    ['VolumeModificationRateExceeded', ModificationRateExceededError],
    ['RequestLimitExceeded', ApiThrottledError],
    ['UnauthorizedOperation', NotAuthorizedError],
    ['InvalidParameterValue', InvalidModificationError],
    ['InvalidParameterCombination', InvalidModificationError],
    ['InvalidVolume.NotFound', VolumeNotFoundError],
  ] as const)('throws the domain error for %s, keeping the SDK error as cause', async (code, errorClass) => {
    const sdkError = awsError(code);
    ec2.on(ModifyVolumeCommand).rejects(sdkError);
    const error = await modifier().modifyVolume({ volumeId: 'vol-1', targetType: 'gp3', iops: 3000, throughputMiBps: 125 }, { dryRun: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).cause).toBe(sdkError);
  });

  it('throws UnauthorizedOperation on a dry run as NotAuthorizedError (permissions missing)', async () => {
    ec2.on(ModifyVolumeCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(modifier().modifyVolume({ volumeId: 'vol-1', targetType: 'io1', iops: 1000 }, { dryRun: true })).rejects.toBeInstanceOf(NotAuthorizedError);
  });

  it('re-throws unknown errors unchanged', async () => {
    const unknown = awsError('InternalError');
    ec2.on(ModifyVolumeCommand).rejects(unknown);
    await expect(modifier().modifyVolume({ volumeId: 'vol-1', targetType: 'io1', iops: 1000 }, { dryRun: false })).rejects.toBe(unknown);
  });

  it('throws ModificationRateExceededError carrying the next allowed time from the message', async () => {
    ec2.on(ModifyVolumeCommand).rejects(awsError('VolumeModificationRateExceeded', "You've reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume."));
    const error = (await modifier().modifyVolume({ volumeId: 'vol-1', targetType: 'io1', iops: 1000 }, { dryRun: false }).catch((e: unknown) => e)) as ModificationRateExceededError;
    expect(error).toBeInstanceOf(ModificationRateExceededError);
    expect(error.nextAllowedEpochSeconds).toBe(NOW + 6 * 3600);
  });
});

describe('parseNextAllowedEpochSeconds', () => {
  it.each([
    ['Next modification allowed after 2026-01-01T06:00:00Z.', 1_767_247_200],
    ['Retry after 2026-01-01 06:00:00 UTC', 1_767_247_200],
    ['Wait at least 6 hours between modifications', NOW + 21_600],
    ['wait 1.5 hours', NOW + 5400],
    ['limit reached', undefined],
    ['', undefined],
  ])('reads %j', (message, expected) => {
    expect(parseNextAllowedEpochSeconds(message, NOW)).toBe(expected);
  });
});

describe('Ec2VolumeModifier.describeModifications', () => {
  const record = (volumeId: string, state: VolumeModificationState, startSeconds = NOW): Ec2Modification => ({ VolumeId: volumeId, ModificationState: state, StartTime: new Date(startSeconds * 1000), OriginalVolumeType: 'gp2', TargetVolumeType: 'gp3', OriginalSize: 8, TargetSize: 8 });

  it('asks with the volume-id filter in chunks of 200, never VolumeIds, and follows NextToken through short and empty pages', async () => {
    ec2.on(DescribeVolumesModificationsCommand).callsFake((input: DescribeVolumesModificationsCommandInput) => {
      const ids = input.Filters?.[0]?.Values ?? [];
      if (ids[0] === 'vol-0' && input.NextToken === undefined) return { VolumesModifications: [], NextToken: 't1' }; // empty page, more to come
      if (input.NextToken === 't1') return { VolumesModifications: [record('vol-0', 'optimizing')], NextToken: 't2' };
      if (input.NextToken === 't2') return { VolumesModifications: [{ ...record('vol-5', 'completed'), EndTime: new Date((NOW + 600) * 1000), OriginalVolumeType: 'gp3', TargetVolumeType: 'gp2' }] };
      return { VolumesModifications: [{ VolumeId: ids[0], ModificationState: 'weird-state' }] };
    });
    const ids = Array.from({ length: 250 }, (_, i) => `vol-${i}`);
    const result = await modifier().describeModifications([...ids, 'vol-0']);
    const inputs = ec2.commandCalls(DescribeVolumesModificationsCommand).map((c) => c.args[0].input);
    expect(inputs.every((i) => i.VolumeIds === undefined)).toBe(true);
    expect(inputs.map((i) => [i.Filters?.[0]?.Name, i.Filters?.[0]?.Values?.length, i.MaxResults, i.NextToken])).toEqual([
      ['volume-id', 200, 500, undefined],
      ['volume-id', 200, 500, 't1'],
      ['volume-id', 200, 500, 't2'],
      ['volume-id', 50, 500, undefined],
    ]);
    expect(inputs[0]?.Filters?.[0]?.Values?.slice(0, 2)).toEqual(['vol-0', 'vol-1']);
    expect([...result.keys()]).toEqual(['vol-0', 'vol-5']);
    expect(result.get('vol-5')).toMatchObject({ state: 'completed', endEpochSeconds: NOW + 600, targetType: 'gp2' });
  });

  it('answers an empty map for volumes never modified, without calling EC2 for an empty list', async () => {
    ec2.on(DescribeVolumesModificationsCommand).resolves({ VolumesModifications: [] });
    expect((await modifier().describeModifications(['vol-never'])).size).toBe(0);
    expect((await modifier().describeModifications([])).size).toBe(0);
    expect(ec2.commandCalls(DescribeVolumesModificationsCommand)).toHaveLength(1);
  });

  it('throws ApiThrottledError keeping the SDK error as cause once the SDK has given up (no second retry loop)', async () => {
    const throttled = awsError('RequestLimitExceeded');
    ec2.on(DescribeVolumesModificationsCommand).rejects(throttled);
    const error = await modifier().describeModifications(['vol-1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiThrottledError);
    expect((error as Error).cause).toBe(throttled);
    // The adapter called once: the client's own retry strategy (handlers/wiring.ts SDK_RETRY) is the only one.
    expect(ec2.commandCalls(DescribeVolumesModificationsCommand)).toHaveLength(1);
  });

  it.each([
    ['InvalidVolume.NotFound', VolumeNotFoundError],
    ['InvalidVolumeModification.NotFound', ModificationNotFoundError],
  ] as const)('maps a whole-call %s to its domain error', async (code, errorClass) => {
    ec2.on(DescribeVolumesModificationsCommand).rejects(awsError(code));
    await expect(modifier().describeModifications(['vol-1'])).rejects.toBeInstanceOf(errorClass);
  });
});
