/**
 * Prints the directory of the probe's self-contained payload for one architecture (default: this
 * machine's), building it into the cache if needed: what deploy/container/build-image.sh copies.
 * Usage: npx tsx scripts/probe-payload.ts [x86_64|aarch64]
 */
import { arch as nodeArch } from 'node:process';
import { buildProbePayload } from '../lib/probe-layer-build';
import { PROBE_ARCHITECTURES, type ProbeArchitecture } from '../lib/probe-runtime';

const wanted = process.argv[2] ?? (nodeArch === 'arm64' ? 'aarch64' : 'x86_64');
if (!PROBE_ARCHITECTURES.includes(wanted as ProbeArchitecture)) {
  console.error(`probe-payload: architecture '${wanted}' is not one of ${PROBE_ARCHITECTURES.join(', ')}`);
  process.exit(2);
}
const payload = buildProbePayload(wanted as ProbeArchitecture);
console.log(`${payload.dir}/burst-probe`);
