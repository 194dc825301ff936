/**
 * Which EBS volume holds a directory: the filesystem of the path (`/proc/self/mountinfo`) → its
 * block device (major:minor → `/sys/dev/block/M:m`) → the NVMe controller → its serial, which on
 * Nitro is the volume id without the hyphen, space-padded
 * (https://docs.aws.amazon.com/ebs/latest/userguide/identify-nvme-ebs-device.html).
 * `procRoot`/`sysRoot` are arguments so tests run on fixture trees.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** One mount from mountinfo (proc(5)). */
export interface MountEntry {
  readonly majorMinor: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** Where a directory lives, as a value: found on EBS, or why not. */
export type VolumeLocation =
  | { readonly kind: 'ebs'; readonly volumeId: string; readonly device: string; readonly controller: string; readonly mountPoint: string }
  | { readonly kind: 'not-ebs'; readonly reason: string; readonly device?: string; readonly mountPoint?: string };

/** Decodes the octal escapes mountinfo uses for space, tab, newline and backslash. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses mountinfo text; malformed lines are skipped. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    const majorMinor = fields[2];
    const mountPoint = fields[4];
    const fsType = fields[dash + 1];
    const source = fields[dash + 2];
    if (dash < 6 || majorMinor === undefined || mountPoint === undefined || fsType === undefined || source === undefined) continue;
    entries.push({ majorMinor, mountPoint: unescapeMountField(mountPoint), fsType, source: unescapeMountField(source) });
  }
  return entries;
}

/** The mount holding `absolutePath`: longest mount-point prefix, the later one when mounts stack. */
export function findMount(entries: readonly MountEntry[], absolutePath: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const entry of entries) {
    const mp = entry.mountPoint;
    const holds = mp === '/' || absolutePath === mp || absolutePath.startsWith(`${mp}/`);
    if (holds && (best === undefined || mp.length >= best.mountPoint.length)) best = entry;
  }
  return best;
}

/** `vol0abc…` (NVMe serial, trimmed) → `vol-0abc…`; undefined when the serial is not an EBS volume id. */
export function volumeIdFromSerial(serial: string): string | undefined {
  const match = /^vol-?([0-9a-f]{8}|[0-9a-f]{17})$/.exec(serial.trim());
  return match === null ? undefined : `vol-${match[1]}`;
}

/** Nearest existing ancestor, symlinks resolved: the data root may not exist yet on a fresh host. */
function existingRealPath(path: string): string {
  let current = resolve(path);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return realpathSync(current);
}

/** Finds the NVMe controller (`nvmeN`) of a block device under `sysRoot`, or undefined. */
export function nvmeControllerOf(sysRoot: string, majorMinor: string): { device: string; controllerDir: string } | undefined {
  const link = join(sysRoot, 'dev', 'block', majorMinor);
  if (!existsSync(link)) return undefined;
  const real = realpathSync(link);
  const device = basename(real);
  // …/nvme/nvme0/nvme0n1/nvme0n1p1: the controller is the path component after `nvme/`.
  const parts = real.split('/');
  for (let i = parts.length - 1; i > 0; i--) {
    if (parts[i - 1] === 'nvme' && /^nvme\d+$/.test(parts[i] ?? '')) return { device, controllerDir: parts.slice(0, i + 1).join('/') };
  }
  // Native-multipath layout (nvme-subsystem): fall back to the class link of controller N of nvmeNn…
  const byName = /^nvme(\d+)n\d+/.exec(device);
  const classDir = byName === null ? undefined : join(sysRoot, 'class', 'nvme', `nvme${byName[1]}`);
  return classDir !== undefined && existsSync(classDir) ? { device, controllerDir: classDir } : undefined;
}

/** Locates the EBS volume holding `path`. Never throws for "not EBS": that is a value. */
export function locateVolume(path: string, roots: { procRoot?: string; sysRoot?: string } = {}): VolumeLocation {
  const procRoot = roots.procRoot ?? '/proc';
  const sysRoot = roots.sysRoot ?? '/sys';
  let realPath: string;
  let mounts: MountEntry[];
  try {
    realPath = existingRealPath(path);
    mounts = parseMountInfo(readFileSync(join(procRoot, 'self', 'mountinfo'), 'utf8'));
  } catch (error) {
    return { kind: 'not-ebs', reason: `cannot read mounts for ${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const mount = findMount(mounts, realPath);
  if (mount === undefined) return { kind: 'not-ebs', reason: `no mount holds ${realPath}` };
  const where = `${path} is on ${mount.source} (${mount.fsType}, ${mount.majorMinor}) mounted at ${mount.mountPoint}`;
  if (mount.majorMinor.startsWith('0:')) return { kind: 'not-ebs', reason: `${where}: not a block device`, mountPoint: mount.mountPoint };
  const nvme = nvmeControllerOf(sysRoot, mount.majorMinor);
  if (nvme === undefined) return { kind: 'not-ebs', reason: `${where}: not an NVMe device`, mountPoint: mount.mountPoint };
  let serial: string;
  try {
    serial = readFileSync(join(nvme.controllerDir, 'serial'), 'utf8');
  } catch (error) {
    return { kind: 'not-ebs', reason: `${where}: cannot read the NVMe serial (${String(error)})`, device: nvme.device };
  }
  const volumeId = volumeIdFromSerial(serial);
  if (volumeId === undefined) return { kind: 'not-ebs', reason: `${where}: NVMe serial '${serial.trim()}' is not an EBS volume id (instance store?)`, device: nvme.device };
  return { kind: 'ebs', volumeId, device: nvme.device, controller: basename(nvme.controllerDir), mountPoint: mount.mountPoint };
}
