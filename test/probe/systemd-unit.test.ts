import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Directive → values of deploy/burst-probe.service (later assignments appended). */
function readUnit(): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const raw of readFileSync(join(__dirname, '..', '..', 'deploy', 'burst-probe.service'), 'utf8').split('\n')) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line === '' || line.startsWith('#') || line.startsWith('[') || eq < 0) continue;
    const key = line.slice(0, eq);
    directives.set(key, [...(directives.get(key) ?? []), line.slice(eq + 1)]);
  }
  return directives;
}

describe('deploy/burst-probe.service', () => {
  const unit = readUnit();

  it('runs the bundled probe on its own Node runtime with the options from /etc/default/burst-probe and stops it with SIGTERM', () => {
    expect(unit.get('ExecStart')).toEqual(['/opt/burst-probe/bin/node /opt/burst-probe/burst-probe.mjs $BURST_PROBE_ARGS']);
    expect(unit.get('EnvironmentFile')).toEqual(['-/etc/default/burst-probe']);
    expect(unit.get('KillSignal')).toEqual(['SIGTERM']);
    expect(unit.get('Restart')).toEqual(['on-failure']);
  });

  it.each([
    ['CapabilityBoundingSet', ''],
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateDevices', 'yes'],
    ['RestrictAddressFamilies', 'AF_UNIX AF_INET AF_INET6'],
    ['SystemCallFilter', '@system-service'],
  ])('is hardened: %s=%s', (key, value) => {
    expect(unit.get(key)).toEqual([value]);
  });

  it('may write only where the sync-write test writes (the runtimes\' data roots)', () => {
    expect(unit.get('ReadWritePaths')).toEqual(['-/var/lib/docker -/var/lib/containers']);
  });

  it('does not hide other processes, which the D-state census reads', () => {
    expect(unit.has('ProtectProc')).toBe(false);
    expect(unit.has('ProcSubset')).toBe(false);
  });
});
