/**
 * Instance id and region from IMDSv2: PUT a session token first, then GET with it, short timeouts
 * so a host that is not on EC2 answers "unavailable" within a couple of seconds.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 */
import { request as httpRequest } from 'node:http';

/** Default IMDS endpoint (IPv4). */
export const IMDS_DEFAULT_ENDPOINT = 'http://169.254.169.254';

/** What IMDS said, as a value. */
export type InstanceIdentity =
  | { readonly kind: 'ec2'; readonly instanceId: string; readonly region: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Options of the lookup. */
export interface ImdsOptions {
  /** @default IMDS_DEFAULT_ENDPOINT */
  readonly endpoint?: string;
  /** Per request. @default 1000 */
  readonly timeoutMs?: number;
}

/** Token lifetime asked for: the probe asks once per start, so a short one is enough. */
const TOKEN_TTL_SECONDS = 300;

function imdsRequest(url: URL, method: string, headers: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`${method} ${url.pathname}: HTTP ${res.statusCode ?? 0}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Looks up the instance id and region; never throws: failure is `{ kind: 'unavailable' }`. */
export async function fetchInstanceIdentity(options: ImdsOptions = {}): Promise<InstanceIdentity> {
  const endpoint = options.endpoint ?? IMDS_DEFAULT_ENDPOINT;
  const timeoutMs = options.timeoutMs ?? 1000;
  try {
    const token = await imdsRequest(new URL('/latest/api/token', endpoint), 'PUT', { 'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) }, timeoutMs);
    const headers = { 'X-aws-ec2-metadata-token': token };
    const instanceId = (await imdsRequest(new URL('/latest/meta-data/instance-id', endpoint), 'GET', headers, timeoutMs)).trim();
    const region = (await imdsRequest(new URL('/latest/meta-data/placement/region', endpoint), 'GET', headers, timeoutMs)).trim();
    if (!/^i-[0-9a-f]+$/.test(instanceId) || region === '') return { kind: 'unavailable', reason: `IMDS at ${endpoint} gave an unexpected answer` };
    return { kind: 'ec2', instanceId, region };
  } catch (error) {
    return { kind: 'unavailable', reason: `not on EC2 or IMDS unreachable at ${endpoint}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
