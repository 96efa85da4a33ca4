import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The bench runs every server in a child process of its own (so each one's CPU and RSS can be read from
 * /proc and a profile taken of one alone) and talks to it over the IPC channel: the child says `ready` with
 * what the parent needs (its URL, its key), answers `call`s, and exits cleanly on `stop` (so that a
 * `--cpu-prof` profile is written).
 */
type Message =
  | { kind: 'ready'; info: unknown }
  | { kind: 'failed'; message: string }
  | { kind: 'call'; id: number; method: string; args: unknown }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; message: string };

export interface Child<I> {
  name: string;
  pid: number;
  info: I;
  process: ChildProcess;
  call<R = unknown>(method: string, args?: unknown, timeoutMs?: number): Promise<R>;
  /** Asks the child to close and exit; kills it (by its pid) if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartChildOptions {
  name: string;
  env?: Record<string, string | undefined>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  args?: string[];
  startTimeoutMs?: number;
}

/** Forks `file` (a TypeScript module, run through tsx) and waits for its `ready` message. */
export async function startChild<I>(file: string | URL, options: StartChildOptions): Promise<Child<I>> {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  const child = fork(path, options.args ?? [], {
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`${options.name} exited`));
    pending.clear();
    resolve();
  }));
  const info = await new Promise<I>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start within ${options.startTimeoutMs ?? 120_000} ms`));
    }, options.startTimeoutMs ?? 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited before it was ready (code ${code}, signal ${signal})`));
    });
    child.on('message', (m: Message) => {
      if (m.kind === 'ready') {
        clearTimeout(timer);
        resolve(m.info as I);
      } else if (m.kind === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${options.name} failed to start: ${m.message}`));
      } else if (m.kind === 'result' || m.kind === 'error') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.kind === 'result') p?.resolve(m.value);
        else p?.reject(new Error(`${options.name}: ${m.message}`));
      }
    });
  });
  const call = <R>(method: string, args?: unknown, timeoutMs = 60_000): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      if (exited) return reject(new Error(`${options.name} has exited`));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${options.name}.${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v as R); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      child.send({ kind: 'call', id, method, args } satisfies Message);
    });
  return {
    name: options.name,
    pid: child.pid as number,
    info,
    process: child,
    call,
    async stop(timeoutMs = 30_000) {
      if (exited) return;
      await call('stop', undefined, timeoutMs).catch(() => {});
      const killer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, timeoutMs);
      await exit;
      clearTimeout(killer);
    },
  };
}

export type Handlers = Record<string, (args: any) => unknown>;

/**
 * The child's side: runs `start`, reports `ready` with its result, then answers calls. `stop` runs `close`
 * and exits with code 0. A parent that goes away takes the child with it.
 */
export async function serveChild<I>(start: () => Promise<{ info: I; handlers?: Handlers; close(): Promise<void> }>): Promise<void> {
  const send = (m: Message) => process.send?.(m);
  process.on('disconnect', () => process.exit(0));
  let started;
  try {
    started = await start();
  } catch (error) {
    send({ kind: 'failed', message: (error as Error).stack ?? String(error) });
    process.exit(1);
  }
  const { info, handlers = {}, close } = started;
  process.on('message', (m: Message) => {
    if (m.kind !== 'call') return;
    if (m.method === 'stop') {
      void close()
        .catch(() => {})
        .finally(() => {
          send({ kind: 'result', id: m.id, value: null });
          // Let the reply flush, then exit normally so --cpu-prof writes its profile.
          setTimeout(() => process.exit(0), 50);
        });
      return;
    }
    // The monotonic clock V8's profiler stamps samples with, in µs: lets the parent cut a profile to a window.
    const handler = m.method === 'clock' ? () => Number(process.hrtime.bigint() / 1000n) : handlers[m.method];
    if (!handler) {
      send({ kind: 'error', id: m.id, message: `no method ${m.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(m.args))
      .then(
        (value) => send({ kind: 'result', id: m.id, value: value ?? null }),
        (error: unknown) => send({ kind: 'error', id: m.id, message: (error as Error).message }),
      );
  });
  send({ kind: 'ready', info });
}
