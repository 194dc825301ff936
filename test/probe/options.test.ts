import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lambda/core/errors';
import { parseDurationSeconds, parseProbeOptions } from '../../lambda/probe/options';

describe('parseDurationSeconds', () => {
  it.each([
    ['20s', 20], ['20', 20], ['1m', 60], ['1.5m', 90], ['1h', 3600], ['500ms', 0.5],
  ])('parses %s as %s seconds', (text, seconds) => {
    expect(parseDurationSeconds(text, '--interval')).toBe(seconds);
  });

  it.each(['', '0s', '-1s', '5d', 'soon'])('rejects %j', (text) => {
    expect(() => parseDurationSeconds(text, '--interval')).toThrow(UsageError);
  });
});

describe('parseProbeOptions', () => {
  it('defaults to a passive daemon on the Docker socket, publishing every 60 s', () => {
    expect(parseProbeOptions([])).toMatchObject({
      once: false, intervalSeconds: 60, socketPath: '/var/run/docker.sock', active: undefined, syncWriteMiB: 2,
      namespace: 'EbsBurstGuardian/Probe', output: 'publish', json: false, imdsEndpoint: 'http://169.254.169.254',
    });
  });

  it('reads the done-when command line', () => {
    expect(parseProbeOptions(['--once', '--interval', '20s', '--dry-run', '--json', '--socket', '/tmp/p.sock'])).toMatchObject({
      once: true, intervalSeconds: 20, socketPath: '/tmp/p.sock', output: 'dry-run', json: true,
    });
  });

  it('configures the opt-in active run', () => {
    expect(parseProbeOptions(['--active-image', 'fedora', '--active-every', '5m'])?.active).toEqual({ image: 'fedora', command: ['date'], everySeconds: 300 });
    expect(parseProbeOptions(['--active-image', 'busybox', '--active-command', '/bin/true', '--interval', '30s'])?.active).toEqual({ image: 'busybox', command: ['/bin/true'], everySeconds: 30 });
  });

  it('returns undefined for --help', () => {
    expect(parseProbeOptions(['--help'])).toBeUndefined();
  });

  it('accepts the bounds of --interval and well-formed instance ids', () => {
    expect(parseProbeOptions(['--interval', '24h'])?.intervalSeconds).toBe(86_400);
    expect(parseProbeOptions(['--interval', '100ms'])?.intervalSeconds).toBe(0.1);
    expect(parseProbeOptions(['--instance-id', 'i-0abc1234def567890'])?.instanceId).toBe('i-0abc1234def567890');
    expect(parseProbeOptions(['--instance-id', 'i-0abc1234'])?.instanceId).toBe('i-0abc1234');
  });

  it.each([
    [['--bogus']],
    [['--active-every', '5m']],
    [['--emf', '--dry-run']],
    [['--volume-id', 'vol_123']],
    [['--sync-write-mib', '-2']],
    [['--interval', 'often']],
    [['--interval', '600h']],
    [['--interval', '25h']],
    [['--interval', '50ms']],
    [['--active-image', 'busybox', '--active-every', '600h']],
    [['--instance-id', 'i-123']],
    [['--instance-id', 'i-0ABC1234DEF567890']],
    [['--instance-id', 'vol-0abc1234def567890']],
    [['--volume-id', 'vol-0abc1234def5678']],
    [['stray']],
  ])('rejects %j with a UsageError', (argv) => {
    expect(() => parseProbeOptions(argv)).toThrow(UsageError);
  });
});
