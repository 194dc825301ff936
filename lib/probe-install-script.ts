/**
 * The shell script the SSM Command document runs on an instance to install or upgrade the probe
 * from a layer version. Kept apart from the construct so a test can run it with bash against a local
 * layer zip. Plain data: no CDK import.
 */

/** Where the script puts things (the unit's ExecStart expects /opt/burst-probe/burst-probe.mjs). */
export const PROBE_INSTALL_PATHS = {
  bundle: '/opt/burst-probe/burst-probe.mjs',
  unit: '/etc/systemd/system/burst-probe.service',
  options: '/etc/default/burst-probe',
} as const;

/** Allowed characters of the probe arguments: no quotes, `$`, backticks or `;`, since SSM pastes parameters into the script. */
export const PROBE_ARGS_PATTERN = '^[A-Za-z0-9 ./:=_,-]*$';

/** Layer version ARN pattern (https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersionByArn.html). */
export const LAYER_VERSION_ARN_PATTERN = '^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$';

/**
 * The install script, one line per element. `{{ LayerVersionArn }}` and `{{ ProbeArgs }}` are SSM
 * parameters (validated by the patterns above before SSM substitutes them). `BURST_PROBE_ROOT`
 * prefixes every path, empty on a real instance. GetLayerVersionByArn returns a download link valid
 * for 10 minutes (https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersionByArn.html).
 */
export function probeInstallScript(): string[] {
  const { bundle, unit, options } = PROBE_INSTALL_PATHS;
  return [
    'set -euo pipefail',
    'root="${BURST_PROBE_ROOT:-}"',
    "arn='{{ LayerVersionArn }}'",
    "args='{{ ProbeArgs }}'",
    'command -v node >/dev/null || { echo "burst-probe needs node >= 20 at /usr/bin/node" >&2; exit 1; }',
    'command -v aws >/dev/null || { echo "burst-probe install needs the AWS CLI" >&2; exit 1; }',
    'region="$(echo "$arn" | cut -d: -f4)"',
    'work="$(mktemp -d)"',
    "trap 'rm -rf \"$work\"' EXIT",
    'url="$(aws lambda get-layer-version-by-arn --region "$region" --arn "$arn" --query Content.Location --output text)"',
    'curl -fsSL --retry 3 -o "$work/layer.zip" "$url"',
    'if command -v unzip >/dev/null; then unzip -q "$work/layer.zip" -d "$work/layer"; else python3 -m zipfile -e "$work/layer.zip" "$work/layer"; fi',
    `install -d -m 0755 "$root${dirOf(bundle)}" "$root${dirOf(unit)}" "$root${dirOf(options)}"`,
    `install -m 0644 "$work/layer/burst-probe/burst-probe.mjs" "$root${bundle}"`,
    `install -m 0644 "$work/layer/burst-probe/burst-probe.service" "$root${unit}"`,
    `printf 'BURST_PROBE_ARGS="%s"\\n' "$args" > "$root${options}"`,
    'systemctl daemon-reload',
    'systemctl enable burst-probe',
    // restart, not start: an upgrade must load the new bundle.
    'systemctl restart burst-probe',
    'echo "burst-probe installed from $arn"',
  ];
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
