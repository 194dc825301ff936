/** Command-line options of `burst-probe`, parsed and validated once (STYLE.md §5). */
import { parseArgs } from 'node:util';
import { UsageError } from '../core/errors';
import { IMDS_DEFAULT_ENDPOINT } from './imds';
import { PROBE_NAMESPACE } from '../shared/probe-metric-names';

/** How the probe reports each interval. */
export type ProbeOutput = 'publish' | 'emf' | 'dry-run';

/** Validated probe configuration. */
export interface ProbeOptions {
  readonly once: boolean;
  readonly intervalSeconds: number;
  readonly socketPath: string;
  /** Follow containerd's events on this socket instead of the Docker Engine API's (EKS, Bottlerocket). */
  readonly containerdSocket: string | undefined;
  readonly active: { readonly image: string; readonly command: readonly string[]; readonly everySeconds: number } | undefined;
  /** undefined: the runtime's data root. */
  readonly syncDir: string | undefined;
  /** 0 disables the sync-write measurement. */
  readonly syncWriteMiB: number;
  readonly volumeId: string | undefined;
  readonly instanceId: string | undefined;
  readonly region: string | undefined;
  readonly imdsEndpoint: string;
  readonly namespace: string;
  readonly output: ProbeOutput;
  readonly json: boolean;
  readonly procRoot: string;
  readonly sysRoot: string;
}

/** Usage text. */
export const PROBE_USAGE = `usage: burst-probe [options]

Measures container-start latency, sync-write latency and D-state threads on this host and
publishes them to CloudWatch next to the EBS volume holding the container runtime's data.

  --once                    one interval, report, exit (default: run until SIGTERM)
  --interval DURATION       reporting interval, e.g. 20s, 1m; 100ms to 24h (default 60s)
  --socket PATH             Docker Engine API socket (default /var/run/docker.sock; Podman: the
                            'podman system service' socket)
  --containerd-socket PATH  container starts from containerd's events instead (EKS, Bottlerocket:
                            /run/containerd/containerd.sock); the data root is then --sync-dir
  --active-image IMAGE      opt-in: also create/start/wait/remove IMAGE (spends I/O credits)
  --active-command CMD      command for the active container (default: date)
  --active-every DURATION   how often the active run happens, 100ms to 24h (default: every interval)
  --sync-dir DIR            directory for the sync-write test (default: the runtime's data root)
  --sync-write-mib N        1 MiB O_SYNC writes per interval, 0 disables (default 2)
  --volume-id ID            override the volume found from the NVMe serial
  --instance-id ID          override IMDS (i- and 8 or 17 hex digits);  --region REGION  override IMDS
  --imds-endpoint URL       IMDS base URL (default ${IMDS_DEFAULT_ENDPOINT})
  --namespace NS            CloudWatch namespace (default ${PROBE_NAMESPACE})
  --emf                     print CloudWatch Embedded Metric Format lines instead of publishing
  --dry-run                 print what would be sent instead of publishing
  --json                    print each interval's report as one JSON line
`;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * The interval bounds: at least 100 ms (each interval runs the sync-write test; tests use a few
 * hundred ms), at most a day (CloudWatch keeps 1-minute data for 15 days; longer intervals say nothing useful,
 * and setTimeout overflows past 2^31-1 ms, about 24.8 days, into firing at once).
 */
export const INTERVAL_LIMITS_SECONDS = { min: 0.1, max: 86_400 } as const;

/** Parses `500ms`, `20s`, `5m`, `1h` (a bare number is seconds) into seconds; throws UsageError. */
export function parseDurationSeconds(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const seconds = match === null ? Number.NaN : Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? Number.NaN);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`${option}: '${text}' is not a duration like 20s, 5m or 1h`);
  return seconds;
}

/** A duration option within `INTERVAL_LIMITS_SECONDS`; throws UsageError naming the bound. */
export function parseIntervalSeconds(text: string, option: string): number {
  const seconds = parseDurationSeconds(text, option);
  const { min, max } = INTERVAL_LIMITS_SECONDS;
  if (seconds < min || seconds > max) throw new UsageError(`${option}: '${text}' is outside 100ms to 24h`);
  return seconds;
}

/** EC2 ids: a prefix and 8 (older) or 17 hex digits. */
const VOLUME_ID = /^vol-[0-9a-f]{8}([0-9a-f]{9})?$/;
const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

function parseNonNegativeInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${option}: '${text}' is not a non-negative integer`);
  return n;
}

/** Parses argv; throws UsageError with the problem. `undefined` means `--help` was asked. */
export function parseProbeOptions(argv: readonly string[]): ProbeOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' }, once: { type: 'boolean' }, interval: { type: 'string' }, socket: { type: 'string' }, 'containerd-socket': { type: 'string' },
        'active-image': { type: 'string' }, 'active-command': { type: 'string' }, 'active-every': { type: 'string' },
        'sync-dir': { type: 'string' }, 'sync-write-mib': { type: 'string' },
        'volume-id': { type: 'string' }, 'instance-id': { type: 'string' }, region: { type: 'string' },
        'imds-endpoint': { type: 'string' }, namespace: { type: 'string' },
        emf: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' },
        'proc-root': { type: 'string' }, 'sys-root': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (values.help === true) return undefined;
  const intervalSeconds = parseIntervalSeconds(values.interval ?? '60s', '--interval');
  const image = values['active-image'];
  if (image === undefined && (values['active-every'] !== undefined || values['active-command'] !== undefined)) {
    throw new UsageError('--active-every/--active-command need --active-image');
  }
  if (values.emf === true && values['dry-run'] === true) throw new UsageError('--emf and --dry-run are exclusive');
  const volumeId = values['volume-id'];
  if (volumeId !== undefined && !VOLUME_ID.test(volumeId)) throw new UsageError(`--volume-id: '${volumeId}' is not a volume id like vol-0abc1234def567890`);
  const instanceId = values['instance-id'];
  if (instanceId !== undefined && !INSTANCE_ID.test(instanceId)) throw new UsageError(`--instance-id: '${instanceId}' is not an instance id like i-0abc1234def567890`);
  return {
    once: values.once === true,
    intervalSeconds,
    socketPath: values.socket ?? '/var/run/docker.sock',
    containerdSocket: values['containerd-socket'],
    active: image === undefined ? undefined : {
      image,
      command: (values['active-command'] ?? 'date').split(/\s+/).filter((s) => s !== ''),
      everySeconds: values['active-every'] === undefined ? intervalSeconds : parseIntervalSeconds(values['active-every'], '--active-every'),
    },
    syncDir: values['sync-dir'],
    syncWriteMiB: values['sync-write-mib'] === undefined ? 2 : parseNonNegativeInt(values['sync-write-mib'], '--sync-write-mib'),
    volumeId,
    instanceId,
    region: values.region,
    imdsEndpoint: values['imds-endpoint'] ?? IMDS_DEFAULT_ENDPOINT,
    namespace: values.namespace ?? PROBE_NAMESPACE,
    output: values.emf === true ? 'emf' : values['dry-run'] === true ? 'dry-run' : 'publish',
    json: values.json === true,
    procRoot: values['proc-root'] ?? '/proc',
    sysRoot: values['sys-root'] ?? '/sys',
  };
}
