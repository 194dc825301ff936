/**
 * Adapter: containerd's event stream (EKS nodes on AL2023, Bottlerocket), for the passive
 * container-start source where no Docker Engine API exists. gRPC is HTTP/2 plus length-prefixed
 * protobuf, so `node:http2` and a few lines of wire decoding do, with no extra dependency:
 * - Events.Subscribe: https://github.com/containerd/containerd/blob/main/api/services/events/v1/events.proto
 *   (Envelope: 1 timestamp, 2 namespace, 3 topic, 4 event as google.protobuf.Any)
 * - payloads: https://github.com/containerd/containerd/tree/main/api/events (ContainerCreate.id = 1,
 *   TaskStart.container_id = 1, TaskExit.container_id = 1 and id = 2, ContainerDelete.id = 1)
 * - framing: https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 * Topics map to the Docker actions the pairing knows: create, start, die, destroy.
 */
import { connect as http2Connect, constants } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { ContainerApiError } from '../core/errors';
import type { EventSubscription } from './docker-engine-client';
import type { ContainerEvent } from './start-pairing';

const SUBSCRIBE_PATH = '/containerd.services.events.v1.Events/Subscribe';

/** containerd topic → the action name the start pairing uses. */
const TOPIC_ACTIONS: Readonly<Record<string, string>> = {
  '/containers/create': 'create',
  '/tasks/start': 'start',
  '/tasks/exit': 'die',
  '/containers/delete': 'destroy',
};

/** Protobuf fields of one message: number → raw values (varints as bigint, length-delimited as bytes). */
type Fields = Map<number, (bigint | Buffer)[]>;

function readVarint(buf: Buffer, offset: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let i = offset; i < buf.length; i++) {
    const byte = buf[i] ?? 0;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, i + 1];
    shift += 7n;
  }
  throw new Error('truncated varint');
}

/** Decodes one protobuf message's top-level fields (wire types 0, 1, 2, 5). */
export function decodeFields(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let offset = 0;
  while (offset < buf.length) {
    const [key, next] = readVarint(buf, offset);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    let value: bigint | Buffer;
    if (wire === 0) [value, offset] = readVarint(buf, next);
    else if (wire === 2) {
      const [length, start] = readVarint(buf, next);
      offset = start + Number(length);
      if (offset > buf.length) throw new Error('truncated field');
      value = buf.subarray(start, offset);
    } else if (wire === 1 || wire === 5) {
      offset = next + (wire === 1 ? 8 : 4);
      value = buf.subarray(next, offset);
    } else throw new Error(`unsupported wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

function text(fields: Fields, n: number): string | undefined {
  const v = fields.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function bytes(fields: Fields, n: number): Buffer | undefined {
  const v = fields.get(n)?.[0];
  return Buffer.isBuffer(v) ? v : undefined;
}

function varint(fields: Fields, n: number): bigint {
  const v = fields.get(n)?.[0];
  return typeof v === 'bigint' ? v : 0n;
}

/** One Envelope as a ContainerEvent; undefined for topics the pairing does not use, or exec exits. */
export function parseEnvelope(message: Buffer): ContainerEvent | undefined {
  const envelope = decodeFields(message);
  const action = TOPIC_ACTIONS[text(envelope, 3) ?? ''];
  const any = bytes(envelope, 4);
  if (action === undefined || any === undefined) return undefined;
  const payload = decodeFields(bytes(decodeFields(any), 2) ?? Buffer.alloc(0));
  const containerId = text(payload, 1);
  // A TaskExit whose id differs from its container's is an exec'd process ending, not the container.
  if (containerId === undefined || (action === 'die' && text(payload, 2) !== containerId)) return undefined;
  const timestamp = decodeFields(bytes(envelope, 1) ?? Buffer.alloc(0));
  return { action, containerId, timeNanos: varint(timestamp, 1) * 1_000_000_000n + varint(timestamp, 2) };
}

/** A gRPC message frame: uncompressed flag, big-endian length, message. */
function grpcFrame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** SubscribeRequest with `filters` (field 1, repeated string): only the topics the pairing uses. */
function subscribeRequest(): Buffer {
  return Buffer.concat(Object.keys(TOPIC_ACTIONS).map((topic) => {
    const filter = Buffer.from(`topic=="${topic}"`, 'utf8');
    return Buffer.concat([Buffer.from([0x0a, filter.length]), filter]);
  }));
}

/** Follows containerd's events on its socket (e.g. /run/containerd/containerd.sock). */
export class ContainerdEventClient {
  constructor(private readonly options: { readonly socketPath: string }) {}

  /** Subscribes to container create/start/exit/delete in every namespace. */
  followContainerEvents(onEvent: (event: ContainerEvent) => void): EventSubscription {
    const { socketPath } = this.options;
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const fail = (message: string, cause?: unknown): void => onFail(new ContainerApiError(`containerd events on ${socketPath}: ${message}`, undefined, { cause }));
    const session = http2Connect('http://localhost', { createConnection: () => netConnect(socketPath) });
    session.on('error', (error) => fail(error.message, error));
    session.on('close', finish);
    const stream = session.request({ ':method': 'POST', ':path': SUBSCRIBE_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', (error) => fail(error.message, error));
    // containerd sends the response headers with the first event, which may be minutes away: the
    // subscription counts as ready once the HTTP/2 session is up and the request is on its way.
    session.on('connect', () => onReady());
    stream.on('response', (headers) => {
      const grpcStatus = headers['grpc-status'];
      if (Number(headers[constants.HTTP2_HEADER_STATUS]) !== 200 || (grpcStatus !== undefined && grpcStatus !== '0')) {
        fail(`HTTP ${String(headers[':status'])}, grpc-status ${String(grpcStatus)} ${String(headers['grpc-message'] ?? '')}`);
        session.destroy();
      }
    });
    let buffered = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 5) {
        const length = buffered.readUInt32BE(1);
        if (buffered.length < 5 + length) break;
        const message = buffered.subarray(5, 5 + length);
        buffered = buffered.subarray(5 + length);
        try {
          const event = parseEnvelope(message);
          if (event !== undefined) onEvent(event);
        } catch {
          // A message we cannot decode is skipped, like an unparsable /events line.
        }
      }
    });
    stream.on('close', () => session.close());
    stream.end(grpcFrame(subscribeRequest()));
    return { ready, done, stop: () => session.destroy() };
  }
}
