/**
 * Adapter: the Docker Engine API over a unix socket (Docker's `/var/run/docker.sock`, or Podman's
 * Docker-compatible `podman system service` socket), with `node:http` and no extra dependency.
 * API reference: https://docs.docker.com/reference/api/engine/
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { ContainerApiError } from '../core/errors';
import type { ContainerEvent } from './start-pairing';

/** Options of the client. */
export interface DockerEngineClientOptions {
  readonly socketPath: string;
  /** Timeout of one request/response (not of the event stream). @default 10000 */
  readonly requestTimeoutMs?: number;
}

/** A response with its body read as text. */
export interface EngineResponse {
  readonly statusCode: number;
  readonly body: string;
}

/** A running `GET /events` subscription. */
export interface EventSubscription {
  /** Resolves when the runtime answered 200 and events flow; rejects with ContainerApiError otherwise. */
  readonly ready: Promise<void>;
  /** Resolves when the stream ended (runtime stopped, or `stop()`). */
  readonly done: Promise<void>;
  readonly stop: () => void;
}

/** Parses one line of the `/events` stream; `undefined` for non-container events or garbage. */
export function parseEventLine(line: string): ContainerEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const e = parsed as Record<string, unknown>;
  const actor = e['Actor'] as Record<string, unknown> | undefined;
  const type = e['Type'] ?? e['type'];
  const action = e['Action'] ?? e['status'];
  const id = e['id'] ?? actor?.['ID'];
  if (type !== 'container' || typeof action !== 'string' || typeof id !== 'string') return undefined;
  const timeNanos = readTimeNanos(e['timeNano'], e['time']);
  return timeNanos === undefined ? undefined : { action, containerId: id, timeNanos };
}

function readTimeNanos(timeNano: unknown, time: unknown): bigint | undefined {
  if (typeof timeNano === 'number' && Number.isFinite(timeNano)) return BigInt(Math.round(timeNano));
  if (typeof time === 'number' && Number.isFinite(time)) return BigInt(Math.round(time)) * 1_000_000_000n;
  return undefined;
}

/** Talks to one container runtime over its unix socket. */
export class DockerEngineClient {
  private readonly socketPath: string;
  private readonly requestTimeoutMs: number;

  constructor(options: DockerEngineClientOptions) {
    this.socketPath = options.socketPath;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /** Sends one request and reads the whole response; throws ContainerApiError when the socket fails. */
  send(method: string, path: string, body?: unknown): Promise<EngineResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          timeout: this.requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (cause) => reject(new ContainerApiError(`${method} ${path}: ${cause.message}`, undefined, { cause })));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.requestTimeoutMs} ms`)));
      req.on('error', (cause) => reject(new ContainerApiError(`${method} ${path} on ${this.socketPath}: ${cause.message}`, undefined, { cause })));
      req.end(payload);
    });
  }

  /** Like `send` but throws ContainerApiError unless the status is 2xx; returns the parsed JSON body (or undefined). */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.send(method, path, body);
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new ContainerApiError(`${method} ${path}: HTTP ${res.statusCode} ${res.body.trim().slice(0, 300)}`, res.statusCode);
    }
    if (res.body.trim() === '') return undefined;
    try {
      return JSON.parse(res.body) as unknown;
    } catch (cause) {
      throw new ContainerApiError(`${method} ${path}: HTTP ${res.statusCode} with a body that is not JSON`, res.statusCode, { cause });
    }
  }

  /** The runtime's data root (`GET /info` → `DockerRootDir`), e.g. /var/lib/docker or /var/lib/containers/storage. */
  async dataRoot(): Promise<string | undefined> {
    const info = (await this.call('GET', '/info')) as { DockerRootDir?: unknown } | undefined;
    return typeof info?.DockerRootDir === 'string' ? info.DockerRootDir : undefined;
  }

  /** Follows `GET /events` filtered to containers and calls `onEvent` for each parsed event. */
  followContainerEvents(onEvent: (event: ContainerEvent) => void): EventSubscription {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'] }));
    let stopRequested = false;
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const req = httpRequest({ socketPath: this.socketPath, method: 'GET', path: `/events?filters=${filters}` }, (res) => {
      if (res.statusCode !== 200) {
        onFail(new ContainerApiError(`GET /events: HTTP ${res.statusCode ?? 0}`, res.statusCode));
        res.resume();
        res.on('end', finish);
        return;
      }
      onReady();
      streamLines(res, (line) => {
        const event = parseEventLine(line);
        if (event !== undefined) onEvent(event);
      });
      res.on('close', finish);
    });
    req.on('error', (cause) => {
      if (!stopRequested) onFail(new ContainerApiError(`GET /events on ${this.socketPath}: ${cause.message}`, undefined, { cause }));
      finish();
    });
    req.end();
    return {
      ready,
      done,
      stop: () => {
        stopRequested = true;
        req.destroy();
      },
    };
  }
}

function streamLines(res: IncomingMessage, onLine: (line: string) => void): void {
  let buffered = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') onLine(line);
      newline = buffered.indexOf('\n');
    }
  });
}
