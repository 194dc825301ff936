import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMount, locateVolume, parseMountInfo, volumeIdFromSerial } from '../../lambda/probe/volume-identity';

const FIXTURE = join(__dirname, '..', 'fixtures', 'probe');
const sysRoot = join(FIXTURE, 'sysfs');
let root: string;
let procRoot: string;

// The mount points must exist on this machine (paths are resolved), so the test builds them under a
// temporary root and writes a mountinfo naming them; the sysfs tree is the static fixture.
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'probe-vol-')));
  for (const dir of ['var/lib/docker/overlay2/stacked', 'scratch', 'virtio', 'multi path', 'tmpfs', 'proc/self']) mkdirSync(join(root, dir), { recursive: true });
  procRoot = join(root, 'proc');
  writeFileSync(join(procRoot, 'self', 'mountinfo'), readFileSync(join(FIXTURE, 'mountinfo.template'), 'utf8').replaceAll('@ROOT@', root));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('volumeIdFromSerial', () => {
  it.each([
    ['vol0abc1234def567890', 'vol-0abc1234def567890'],
    ['vol0abc1234def567890      \n', 'vol-0abc1234def567890'],
    ['vol-0abc1234def567890', 'vol-0abc1234def567890'],
    ['vol01234567', 'vol-01234567'],
    ['AWS22C07F3AB1C3D9A12', undefined],
    ['vol0abc', undefined],
    ['', undefined],
  ])('maps serial %j to %j', (serial, expected) => {
    expect(volumeIdFromSerial(serial)).toBe(expected);
  });
});

describe('parseMountInfo and findMount', () => {
  const text = '27 1 259:1 / / rw - ext4 /dev/nvme0n1p1 rw\n31 27 259:3 / /var/lib/docker rw shared:5 - xfs /dev/nvme1n1 rw\n36 27 259:9 / /a\\040b rw - ext4 /dev/x rw\ngarbage\n';

  it('parses fields, optional fields and octal escapes, skipping malformed lines', () => {
    expect(parseMountInfo(text)).toEqual([
      { majorMinor: '259:1', mountPoint: '/', fsType: 'ext4', source: '/dev/nvme0n1p1' },
      { majorMinor: '259:3', mountPoint: '/var/lib/docker', fsType: 'xfs', source: '/dev/nvme1n1' },
      { majorMinor: '259:9', mountPoint: '/a b', fsType: 'ext4', source: '/dev/x' },
    ]);
  });

  it.each([
    ['/var/lib/docker/volumes', '259:3'],
    ['/var/lib/docker', '259:3'],
    ['/var/lib/dockerd', '259:1'],
    ['/a b/c', '259:9'],
    ['/etc', '259:1'],
  ])('finds the mount holding %s', (path, majorMinor) => {
    expect(findMount(parseMountInfo(text), path)?.majorMinor).toBe(majorMinor);
  });
});

describe('locateVolume on a fixture sysfs tree', () => {
  it('maps the data root to its own EBS volume through the NVMe controller serial', () => {
    expect(locateVolume(join(root, 'var/lib/docker'), { procRoot, sysRoot })).toEqual({
      kind: 'ebs', volumeId: 'vol-0fedcba9876543210', device: 'nvme1n1', controller: 'nvme1', mountPoint: join(root, 'var/lib/docker'),
    });
  });

  it('maps a partition to its controller (nvme0n1p1 → nvme0) and a missing data root to its nearest existing parent', () => {
    const location = locateVolume(join(root, 'not-yet', 'docker'), { procRoot, sysRoot });
    expect(location).toMatchObject({ kind: 'ebs', volumeId: 'vol-0abc1234def567890', device: 'nvme0n1p1', controller: 'nvme0' });
  });

  it('uses the latest of stacked mounts on the same point', () => {
    expect(locateVolume(join(root, 'var/lib/docker/overlay2/stacked'), { procRoot, sysRoot })).toMatchObject({ kind: 'ebs', volumeId: 'vol-0fedcba9876543210' });
  });

  it('falls back to class/nvme for the native-multipath layout (escaped mount point)', () => {
    expect(locateVolume(join(root, 'multi path'), { procRoot, sysRoot })).toMatchObject({ kind: 'ebs', volumeId: 'vol-01234567', controller: 'nvme3' });
  });

  it.each([
    ['scratch', /NVMe serial 'AWS22C07F3AB1C3D9A12' is not an EBS volume id/],
    ['virtio', /\/dev\/vda .*not an NVMe device/],
    ['tmpfs', /not a block device/],
  ])('says why %s is not on EBS', (dir, reason) => {
    const location = locateVolume(join(root, dir), { procRoot, sysRoot });
    expect(location.kind).toBe('not-ebs');
    expect(location.kind === 'not-ebs' ? location.reason : '').toMatch(reason);
  });

  it('says so when mountinfo cannot be read', () => {
    expect(locateVolume(root, { procRoot: join(root, 'nowhere'), sysRoot })).toMatchObject({ kind: 'not-ebs', reason: expect.stringMatching(/cannot read mounts/) });
  });

  it('finds the real root filesystem of this machine (an answer either way, never a throw)', () => {
    const location = locateVolume('/');
    expect(['ebs', 'not-ebs']).toContain(location.kind);
    if (location.kind === 'not-ebs') expect(location.reason).toMatch(/ is on /);
  });
});
