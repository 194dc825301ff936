/**
 * Instance id and region from IMDSv2 through `@aws-sdk/ec2-metadata-service`: a session token first
 * (PUT /latest/api/token), IMDSv1 fallback disabled, short timeouts and one retry, so a host or a
 * container that cannot reach IMDS answers "unavailable" within a few seconds.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 * Inside a container on a bridge network, a hop limit of 1 drops the token's answer: the PUT times
 * out (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-options.html); the
 * probe then takes its identity from the environment (instance-identity.ts).
 */
import { MetadataService } from '@aws-sdk/ec2-metadata-service';

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

/** Looks up the instance id and region; never throws: failure is `{ kind: 'unavailable' }`. */
export async function fetchInstanceIdentity(options: ImdsOptions = {}): Promise<InstanceIdentity> {
  const endpoint = options.endpoint ?? IMDS_DEFAULT_ENDPOINT;
  const imds = new MetadataService({
    endpoint,
    httpOptions: { timeout: options.timeoutMs ?? 1000 },
    ec2MetadataV1Disabled: true,
    tokenTtl: TOKEN_TTL_SECONDS,
    retries: 1,
    backoff: 0.1,
  });
  try {
    // No leading slash: the client joins the endpoint's pathname ('/') and this path as they are.
    const instanceId = (await imds.request('latest/meta-data/instance-id', {})).trim();
    const region = (await imds.request('latest/meta-data/placement/region', {})).trim();
    if (!/^i-[0-9a-f]+$/.test(instanceId) || region === '') return { kind: 'unavailable', reason: `IMDS at ${endpoint} gave an unexpected answer` };
    return { kind: 'ec2', instanceId, region };
  } catch (error) {
    return { kind: 'unavailable', reason: `not on EC2 or IMDSv2 unreachable at ${endpoint} (a container behind a hop limit of 1 cannot reach it): ${describe(error)}` };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { statusCode?: number; $metadata?: { httpStatusCode?: number } }).statusCode ?? (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  return [status === undefined ? undefined : `HTTP ${status}`, code, error.message].filter((s) => s !== undefined && s !== '').join(' ');
}
