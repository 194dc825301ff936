/**
 * ProbeDistribution: the layer really contains a runnable probe bundle and the unit; the SSM
 * document's script, run by bash against that layer (a stand-in `aws` returning a file:// link and a
 * `systemctl` that records its calls), installs and (re)starts it; the association and policy are scoped.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardianPropsError } from '../../lambda/core/errors';
import { ProbeDistribution } from '../../lib/probe-distribution';
import { PROBE_INSTALL_PATHS, probeInstallScript } from '../../lib/probe-install-script';
import { SKIP_BUNDLING, tempOutdir } from './synth-helpers';

const out = tempOutdir();
let template: Template;
let layerDir = '';
const LAYER_ARN = 'arn:aws:lambda:eu-west-1:111122223333:layer:probe:7';

beforeAll(() => {
  const app = new App({ outdir: out.dir });
  const stack = new Stack(app, 'ProbeTest');
  new ProbeDistribution(stack, 'Probe', { probeArgs: '--interval 30s --socket /run/podman/podman.sock', associationTarget: { tagKey: 'burst-probe', tagValues: ['enabled'] } });
  template = Template.fromJSON(app.synth().getStackByName('ProbeTest').template as Record<string, unknown>);
  const dirs = readdirSync(out.dir).filter((d) => d.startsWith('asset.'));
  expect(dirs).toHaveLength(1);
  layerDir = join(out.dir, dirs[0] ?? '');
});
afterAll(() => out.dispose());

/** Runs the document's script as SSM would (parameters substituted) with stand-in aws/systemctl. */
function runInstallScript(work: string, zipPath: string): { status: number | null; stderr: string } {
  const bin = join(work, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'aws'), `#!/bin/sh\necho "$@" >> "${work}/aws.log"\necho "file://${zipPath}"\n`);
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> "${work}/systemctl.log"\n`);
  chmodSync(join(bin, 'aws'), 0o755);
  chmodSync(join(bin, 'systemctl'), 0o755);
  const script = probeInstallScript().join('\n').replaceAll('{{ LayerVersionArn }}', LAYER_ARN).replaceAll('{{ ProbeArgs }}', '--interval 30s');
  const result = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, BURST_PROBE_ROOT: join(work, 'root') },
  });
  return { status: result.status, stderr: result.stderr };
}

describe('ProbeDistribution', () => {
  it('bundles a runnable probe and its systemd unit into the layer', () => {
    expect(readFileSync(join(layerDir, 'burst-probe', 'burst-probe.service'), 'utf8')).toContain('ExecStart=/usr/bin/node /opt/burst-probe/burst-probe.mjs');
    const help = spawnSync(process.execPath, [join(layerDir, 'burst-probe', 'burst-probe.mjs'), '--help'], { encoding: 'utf8' });
    expect(help.stdout).toContain('usage: burst-probe');
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['arm64', 'x86_64'] });
  });

  it('installs the layer content, writes the options and restarts the service when the document runs', () => {
    const work = join(out.dir, 'install');
    const zipPath = join(work, 'layer.zip');
    mkdirSync(work, { recursive: true });
    expect(spawnSync('zip', ['-qr', zipPath, 'burst-probe'], { cwd: layerDir }).status).toBe(0);
    const result = runInstallScript(work, zipPath);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const root = join(work, 'root');
    expect(existsSync(join(root, PROBE_INSTALL_PATHS.bundle))).toBe(true);
    expect(readFileSync(join(root, PROBE_INSTALL_PATHS.unit), 'utf8')).toContain('[Service]');
    expect(readFileSync(join(root, PROBE_INSTALL_PATHS.options), 'utf8')).toBe('BURST_PROBE_ARGS="--interval 30s"\n');
    expect(readFileSync(join(work, 'aws.log'), 'utf8')).toBe(`lambda get-layer-version-by-arn --region eu-west-1 --arn ${LAYER_ARN} --query Content.Location --output text\n`);
    expect(readFileSync(join(work, 'systemctl.log'), 'utf8').split('\n')).toEqual(['daemon-reload', 'enable burst-probe', 'restart burst-probe', '']);
  });

  it('fails the install, starting nothing, when the layer cannot be downloaded', () => {
    const work = join(out.dir, 'install-missing');
    const result = runInstallScript(work, join(work, 'does-not-exist.zip'));
    expect(result.status).not.toBe(0);
    expect(existsSync(join(work, 'systemctl.log'))).toBe(false);
  });

  it('publishes a Command document whose parameters are pattern-checked and default to this layer version', () => {
    const layer = Object.keys(template.findResources('AWS::Lambda::LayerVersion'))[0] ?? '';
    template.hasResourceProperties('AWS::SSM::Document', {
      DocumentType: 'Command',
      Content: Match.objectLike({
        schemaVersion: '2.2',
        parameters: {
          LayerVersionArn: Match.objectLike({ default: { Ref: layer }, allowedPattern: Match.anyValue() }),
          ProbeArgs: Match.objectLike({ default: '--interval 30s --socket /run/podman/podman.sock', allowedPattern: Match.anyValue() }),
        },
        mainSteps: [Match.objectLike({ action: 'aws:runShellScript', inputs: Match.objectLike({ runCommand: probeInstallScript() }) })],
      }),
    });
  });

  it('associates the document with tagged instances and lets them read only this layer version', () => {
    const layer = Object.keys(template.findResources('AWS::Lambda::LayerVersion'))[0] ?? '';
    template.hasResourceProperties('AWS::SSM::Association', { Targets: [{ Key: 'tag:burst-probe', Values: ['enabled'] }], ScheduleExpression: 'rate(1 day)' });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'lambda:GetLayerVersion', Resource: { Ref: layer } }),
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
