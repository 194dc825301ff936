/**
 * ProbeDistribution: each architecture's layer really holds a runnable probe, its unit and the
 * official Node binary for that architecture; the SSM document's script, run by bash against a
 * local layer zip (stand-in `aws` answering a file:// link, `systemctl` recording its calls, no
 * node on PATH), installs, checks and (re)starts it; the association and policy are scoped.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardianPropsError } from '../../lambda/core/errors';
import { ProbeDistribution } from '../../lib/probe-distribution';
import { PROBE_INSTALL_PATHS, probeInstallScript } from '../../lib/probe-install-script';
import { layerZip, runInstallScript, sizeOf, type InstallRunOptions } from '../probe/install-harness';
import { SKIP_BUNDLING, tempOutdir } from './synth-helpers';

const out = tempOutdir();
let template: Template;
let probe: ProbeDistribution;
let zipPath = '';
const LAYER_ARNS = { x86_64: 'arn:aws:lambda:eu-west-1:111122223333:layer:probe-x86:7', aarch64: 'arn:aws:lambda:eu-west-1:111122223333:layer:probe-arm:7' };

beforeAll(() => {
  const app = new App({ outdir: out.dir });
  const stack = new Stack(app, 'ProbeTest');
  probe = new ProbeDistribution(stack, 'Probe', { probeArgs: '--interval 30s --socket /run/podman/podman.sock', associationTarget: { tagKey: 'burst-probe', tagValues: ['enabled'] } });
  template = Template.fromJSON(app.synth().getStackByName('ProbeTest').template as Record<string, unknown>);
  zipPath = layerZip(probe.payloads.x86_64);
}, 120_000);
afterAll(() => out.dispose());

/** ELF e_machine of a binary: 0x3e x86-64, 0xb7 AArch64. */
function elfMachine(path: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  expect(header.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  return header.readUInt16LE(18);
}

function installOptions(work: string, overrides: Partial<InstallRunOptions> = {}): InstallRunOptions {
  return {
    work: join(out.dir, work),
    zipPath,
    layerArns: LAYER_ARNS,
    manifests: { x86_64: probe.payloads.x86_64.manifestSha256, aarch64: probe.payloads.aarch64.manifestSha256 },
    probeArgs: '--interval 30s',
    ...overrides,
  };
}

describe('ProbeDistribution layers', () => {
  it.each([
    ['x86_64', 0x3e, ['x86_64']],
    ['aarch64', 0xb7, ['arm64']],
  ] as const)('carries the %s Node binary, the bundle, the unit and their SHA256SUMS', (arch, machine, lambdaArchs) => {
    const dir = join(probe.payloads[arch].dir, 'burst-probe');
    expect(elfMachine(join(dir, 'bin', 'node'))).toBe(machine);
    expect(readFileSync(join(dir, 'burst-probe.service'), 'utf8')).toContain('ExecStart=/opt/burst-probe/bin/node /opt/burst-probe/burst-probe.mjs');
    expect(readFileSync(join(dir, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}bin\/node\n[0-9a-f]{64} {2}bin\/NODE-LICENSE\n[0-9a-f]{64} {2}burst-probe.mjs\n[0-9a-f]{64} {2}burst-probe.service\n$/);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: lambdaArchs, Description: Match.stringLikeRegexp(probe.payloads[arch].manifestSha256) });
  });

  it('runs the bundle on the layer\'s own Node binary', () => {
    const dir = join(probe.payloads.x86_64.dir, 'burst-probe');
    const help = spawnSync(join(dir, 'bin', 'node'), [join(dir, 'burst-probe.mjs'), '--help'], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
    expect(help.stdout).toContain('usage: burst-probe');
  });

  it('stays inside Lambda\'s layer limits: 50 MB zipped, 250 MB unzipped (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)', () => {
    const dir = join(probe.payloads.x86_64.dir, 'burst-probe');
    const unzipped = ['bin/node', 'bin/NODE-LICENSE', 'burst-probe.mjs', 'burst-probe.service', 'SHA256SUMS'].reduce((sum, f) => sum + sizeOf(join(dir, f)), 0);
    expect(sizeOf(zipPath)).toBeLessThan(50 * 1024 * 1024);
    expect(unzipped).toBeLessThan(250 * 1024 * 1024);
  });
});

describe('the install document\'s script', () => {
  it('installs the x86_64 layer under /opt/burst-probe with no node on the host, writes the options and restarts the service', () => {
    const run = runInstallScript(installOptions('install', { machine: 'x86_64' }));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const root = join(out.dir, 'install', 'root');
    expect(elfMachine(join(root, PROBE_INSTALL_PATHS.dir, 'bin', 'node'))).toBe(0x3e);
    expect(readFileSync(join(root, PROBE_INSTALL_PATHS.unit), 'utf8')).toContain('[Service]');
    expect(readFileSync(join(root, PROBE_INSTALL_PATHS.options), 'utf8')).toBe('BURST_PROBE_ARGS="--interval 30s"\n');
    expect(run.awsCalls).toEqual([`lambda get-layer-version-by-arn --region eu-west-1 --arn ${LAYER_ARNS.x86_64} --query Content.Location --output text`]);
    expect(run.systemctlCalls).toEqual(['daemon-reload', 'enable burst-probe', 'restart burst-probe']);
  });

  it('does not download again or restart when the installed probe already matches', () => {
    const options = installOptions('reapply', { machine: 'x86_64' });
    expect(runInstallScript(options).status).toBe(0);
    const again = runInstallScript(options);
    expect(again.status).toBe(0);
    expect(again.awsCalls).toHaveLength(1);
    expect(again.systemctlCalls.slice(3)).toEqual(['daemon-reload', 'enable burst-probe', 'start burst-probe']);
  });

  it('picks the aarch64 layer on an aarch64 host', () => {
    // The x86_64 zip stands in for the download: the manifest check must then refuse it.
    const run = runInstallScript(installOptions('arm', { machine: 'aarch64' }));
    expect(run.awsCalls[0]).toContain(`--arn ${LAYER_ARNS.aarch64}`);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`does not match the document's manifest digest ${probe.payloads.aarch64.manifestSha256}`);
    expect(existsSync(join(out.dir, 'arm', 'root', PROBE_INSTALL_PATHS.dir))).toBe(false);
    expect(run.systemctlCalls).toEqual([]);
  });

  it('refuses an architecture it has no layer for, starting nothing', () => {
    const run = runInstallScript(installOptions('armv7', { machine: 'armv7l' }));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('unsupported architecture armv7l');
    expect(run.awsCalls).toEqual([]);
  });

  it('fails the install, starting nothing, when the layer cannot be downloaded', () => {
    const run = runInstallScript(installOptions('install-missing', { machine: 'x86_64', zipPath: join(out.dir, 'does-not-exist.zip') }));
    expect(run.status).not.toBe(0);
    expect(run.systemctlCalls).toEqual([]);
  });
});

describe('ProbeDistribution resources', () => {
  it('publishes a Command document whose parameters are pattern-checked and default to this build\'s layers and digests', () => {
    const [x86, arm] = [probe.layers.x86_64, probe.layers.aarch64].map((l) => Stack.of(l).resolve(l.layerVersionArn) as unknown);
    template.hasResourceProperties('AWS::SSM::Document', {
      DocumentType: 'Command',
      Content: Match.objectLike({
        schemaVersion: '2.2',
        parameters: {
          X8664LayerVersionArn: Match.objectLike({ default: x86, allowedPattern: Match.anyValue() }),
          X8664ManifestSha256: Match.objectLike({ default: probe.payloads.x86_64.manifestSha256, allowedPattern: '^[0-9a-f]{64}$' }),
          Arm64LayerVersionArn: Match.objectLike({ default: arm, allowedPattern: Match.anyValue() }),
          Arm64ManifestSha256: Match.objectLike({ default: probe.payloads.aarch64.manifestSha256, allowedPattern: '^[0-9a-f]{64}$' }),
          ProbeArgs: Match.objectLike({ default: '--interval 30s --socket /run/podman/podman.sock', allowedPattern: Match.anyValue() }),
        },
        mainSteps: [Match.objectLike({ action: 'aws:runShellScript', inputs: Match.objectLike({ runCommand: probeInstallScript() }) })],
      }),
    });
  });

  it('associates the document with tagged instances and lets them read only these layer versions', () => {
    const [x86, arm] = [probe.layers.x86_64, probe.layers.aarch64].map((l) => Stack.of(l).resolve(l.layerVersionArn) as unknown);
    template.hasResourceProperties('AWS::SSM::Association', { Targets: [{ Key: 'tag:burst-probe', Values: ['enabled'] }], ScheduleExpression: 'rate(1 day)' });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'lambda:GetLayerVersion', Resource: [x86, arm] }),
          Match.objectLike({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'EbsBurstGuardian/Probe' } } }),
        ],
      },
    });
  });

  it('rejects probe arguments that could break out of the shell script', () => {
    const stack = new Stack(new App({ context: { ...SKIP_BUNDLING } }), 'Bad');
    expect(() => new ProbeDistribution(stack, 'Probe', { probeArgs: '--interval 60s; rm -rf /' })).toThrow(GuardianPropsError);
  });
});
