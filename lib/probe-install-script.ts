/**
 * The shell script the SSM Command document runs on an instance to install or upgrade the probe
 * from a layer version. Kept apart from the construct so a test can run it with bash against a local
 * layer zip. Plain data: no CDK import.
 *
 * What the host needs: systemd, a POSIX sh and coreutils (uname, sha256sum, install, mktemp); to fetch the
 * layer, the AWS CLI and one of curl, wget or python3 (SSM's own aws:downloadContent cannot fetch a
 * Lambda layer: it needs a signed GetLayerVersionByArn call first); to open the zip, one of unzip,
 * python3 or busybox. No Node: the layer carries its own.
 */

/** Where the script puts things (the unit's ExecStart runs /opt/burst-probe/bin/node). */
export const PROBE_INSTALL_PATHS = {
  dir: '/opt/burst-probe',
  unit: '/etc/systemd/system/burst-probe.service',
  options: '/etc/default/burst-probe',
} as const;

/** Allowed characters of the probe arguments: no quotes, `$`, backticks or `;`, since SSM pastes parameters into the script. */
export const PROBE_ARGS_PATTERN = '^[A-Za-z0-9 ./:=_,-]*$';

/** Layer version ARN pattern (https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersionByArn.html). */
export const LAYER_VERSION_ARN_PATTERN = '^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$';

/** A SHA-256 in hex: the manifest digest each architecture's parameter carries. */
export const SHA256_PATTERN = '^[0-9a-f]{64}$';

/** SSM parameter names per `uname -m` architecture. */
export const ARCH_PARAMETERS = {
  x86_64: { layer: 'X8664LayerVersionArn', manifest: 'X8664ManifestSha256' },
  aarch64: { layer: 'Arm64LayerVersionArn', manifest: 'Arm64ManifestSha256' },
} as const;

const { dir, unit, options } = PROBE_INSTALL_PATHS;

/** Picks the layer and expected manifest digest by `uname -m`. */
const CHOOSE_ARCH = [
  'case "$(uname -m)" in',
  ...Object.entries(ARCH_PARAMETERS).map(([arch, p]) => `  ${arch}) arn='{{ ${p.layer} }}'; manifest='{{ ${p.manifest} }}' ;;`),
  '  *) echo "burst-probe: unsupported architecture $(uname -m): the layers are built for x86_64 and aarch64" >&2; exit 1 ;;',
  'esac',
];

/** Downloads the layer zip and opens it into "$work/layer", with whichever tools the host has. */
const FETCH_AND_EXTRACT = [
  'command -v aws >/dev/null || { echo "burst-probe install: fetching a Lambda layer needs the AWS CLI (preinstalled on Amazon Linux 2023 and the EKS/ECS-optimized AMIs)" >&2; exit 1; }',
  'url="$(aws lambda get-layer-version-by-arn --region "$(echo "$arn" | cut -d: -f4)" --arn "$arn" --query Content.Location --output text)"',
  'if command -v curl >/dev/null; then curl -fsSL --retry 3 -o "$work/layer.zip" "$url"',
  'elif command -v wget >/dev/null; then wget -q -O "$work/layer.zip" "$url"',
  'elif command -v python3 >/dev/null; then python3 -c "import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])" "$url" "$work/layer.zip"',
  'else echo "burst-probe install: needs curl, wget or python3 to download the layer" >&2; exit 1; fi',
  'if command -v unzip >/dev/null; then unzip -q "$work/layer.zip" -d "$work/layer"',
  'elif command -v python3 >/dev/null; then python3 -m zipfile -e "$work/layer.zip" "$work/layer"',
  'elif command -v busybox >/dev/null; then mkdir -p "$work/layer" && busybox unzip -q "$work/layer.zip" -d "$work/layer"',
  'else echo "burst-probe install: needs unzip, python3 or busybox to open the layer" >&2; exit 1; fi',
  // The document carries the manifest's digest; the manifest the files' digests.
  'staged="$work/layer/burst-probe"',
  'echo "$manifest  $staged/SHA256SUMS" | sha256sum -c --quiet - || { echo "burst-probe install: $arn does not match the document\'s manifest digest $manifest" >&2; exit 1; }',
  '(cd "$staged" && sha256sum -c --quiet SHA256SUMS) || { echo "burst-probe install: a file of $arn does not match its SHA256SUMS" >&2; exit 1; }',
  'chmod 0755 "$staged/bin/node"',
];

/**
 * The install script, one line per element. `{{ … }}` are SSM parameters, validated by the patterns
 * above before SSM substitutes them. `BURST_PROBE_ROOT` prefixes every path, empty on a real
 * instance. An installed probe whose manifest matches is not downloaded again, so the daily
 * association re-apply costs no transfer. GetLayerVersionByArn returns a download link valid for
 * 10 minutes (https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersionByArn.html).
 */
export function probeInstallScript(): string[] {
  return [
    // POSIX sh: aws:runShellScript runs the script with `sh` (dash on Ubuntu), so no pipefail and no bashisms.
    'set -eu',
    'root="${BURST_PROBE_ROOT:-}"',
    "args='{{ ProbeArgs }}'",
    ...CHOOSE_ARCH,
    `target="$root${dir}"`,
    'changed=no',
    'if [ -f "$target/SHA256SUMS" ] && echo "$manifest  $target/SHA256SUMS" | sha256sum -c --quiet - 2>/dev/null && (cd "$target" && sha256sum -c --quiet SHA256SUMS 2>/dev/null); then',
    '  echo "burst-probe: $target already holds manifest $manifest"',
    'else',
    '  work="$(mktemp -d)"',
    "  trap 'rm -rf \"$work\"' EXIT",
    ...FETCH_AND_EXTRACT.map((line) => `  ${line}`),
    `  install -d -m 0755 "$(dirname "$target")" "$root${dirOf(unit)}"`,
    // Swap the whole directory, so a failed install never leaves half an upgrade behind.
    '  rm -rf "$target.new" "$target.old" && cp -a "$staged" "$target.new"',
    '  if [ -d "$target" ]; then mv "$target" "$target.old"; fi',
    '  mv "$target.new" "$target" && rm -rf "$target.old"',
    `  install -m 0644 "$target/burst-probe.service" "$root${unit}"`,
    '  changed=yes',
    'fi',
    `install -d -m 0755 "$root${dirOf(options)}"`,
    `new_options="$(printf 'BURST_PROBE_ARGS="%s"' "$args")"`,
    `if [ "$(cat "$root${options}" 2>/dev/null || true)" != "$new_options" ]; then printf '%s\\n' "$new_options" > "$root${options}"; changed=yes; fi`,
    'systemctl daemon-reload',
    'systemctl enable burst-probe',
    // restart only on a change: an upgrade must load the new bundle; a no-op re-apply must not interrupt an interval.
    'if [ "$changed" = yes ]; then systemctl restart burst-probe; else systemctl start burst-probe; fi',
    'echo "burst-probe installed for $(uname -m) from $arn (manifest $manifest, changed: $changed)"',
  ];
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
