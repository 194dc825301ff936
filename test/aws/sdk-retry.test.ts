/**
 * The SDK's own retries are the only ones (issue 14): the clients `createGuardianClients` builds
 * retry a throttled call inside the SDK (adaptive mode, 5 attempts) and the adapter calls once. The
 * mocks elsewhere answer above the SDK's middleware and cannot see this, so here a real EC2 client
 * talks HTTP to a local server that answers as EC2 does when it throttles: HTTP 503 with the
 * `RequestLimitExceeded` code in EC2's XML error envelope
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html,
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). Loopback only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ec2VolumeInventory } from '../../lambda/aws/ec2-volume-inventory';
import { ApiThrottledError } from '../../lambda/core/errors';
import { createGuardianClients, SDK_RETRY } from '../../lambda/handlers/wiring';

const THROTTLED = '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>';
const VOLUMES = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><volumeSet><item><volumeId>vol-0abc1234def567890</volumeId><size>100</size><availabilityZone>us-east-1a</availabilityZone><status>in-use</status><createTime>2026-01-01T00:00:00.000Z</createTime><volumeType>gp2</volumeType><iops>300</iops><encrypted>false</encrypted><attachmentSet/><tagSet><item><key>Name</key><value>ci-runner-3</value></item></tagSet></item></volumeSet></DescribeVolumesResponse>`;

let server: Server;
let throttleNext = 0;
let requests = 0;
const saved: Record<string, string | undefined> = {};
const ENV = { AWS_ENDPOINT_URL_EC2: '', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_EC2_METADATA_DISABLED: 'true' };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      const throttled = throttleNext > 0;
      if (throttled) throttleNext -= 1;
      res.writeHead(throttled ? 503 : 200, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(throttled ? THROTTLED : VOLUMES);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ENV.AWS_ENDPOINT_URL_EC2 = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [key, value] of Object.entries(ENV)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await new Promise((resolve) => server.close(resolve));
});

function inventory(): Ec2VolumeInventory {
  return new Ec2VolumeInventory({ client: createGuardianClients({ region: 'us-east-1' }).ec2 });
}

describe("the guardian's SDK clients", () => {
  it('retry a throttled DescribeVolumes inside the SDK and succeed', async () => {
    requests = 0;
    throttleNext = 2;
    const volumes = await inventory().listVolumes({});
    expect(volumes.map((v) => v.volumeId)).toEqual(['vol-0abc1234def567890']);
    expect(requests).toBe(3);
  }, 60_000);

  it(`give up after ${SDK_RETRY.maxAttempts} attempts in all, not 12, and the adapter says throttled`, async () => {
    requests = 0;
    throttleNext = 100;
    const error = await inventory().listVolumes({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiThrottledError);
    expect(requests).toBe(SDK_RETRY.maxAttempts);
  }, 90_000);
});
