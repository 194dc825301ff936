/** A hand-made probe report shared by the rendering and publishing tests. */
import type { ProbeReport } from '../../lambda/probe/report';

/** A report with every source measured. */
export const FULL_REPORT: ProbeReport = {
  intervalStartEpochSeconds: 1_795_759_000,
  intervalEndEpochSeconds: 1_795_759_060,
  volumeId: 'vol-0abc1234def567890',
  instanceId: 'i-0123456789abcdef0',
  region: 'eu-west-1',
  containerStarts: { kind: 'measured', value: { startLatency: { count: 12, p50Ms: 210.5, p90Ms: 3020, maxMs: 82000 }, shortLivedRun: undefined, unpairedStarts: 0 } },
  active: { kind: 'measured', value: { image: 'fedora', totalMs: 3400, createMs: 1000, startMs: 2000, waitMs: 300, removeMs: 100, exitCode: 0 } },
  syncWrite: { kind: 'measured', value: { directory: '/var/lib/docker', writes: 2, bytesPerWrite: 1048576, totalMs: 20, meanMsPerWrite: 10, maxMsPerWrite: 12 } },
  dState: { kind: 'measured', value: { threads: 3, top: [{ name: 'systemd-udevd', threads: 2 }, { name: 'kworker/0:1', threads: 1 }], tasksScanned: 300 } },
  notes: [],
};
