import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Sampled time excluding idle, in ms. */
  busyMs: number;
  /** Functions by self time. */
  topSelf: ProfileEntry[];
  /** Self time grouped by package (node_modules), project file, node internals, GC. */
  selfByOrigin: ProfileEntry[];
  /** Time with a project file anywhere on the stack (inclusive), by file. */
  inclusiveByProjectFile: ProfileEntry[];
  /** Time with a project function on the stack (inclusive), by function. */
  inclusiveByProjectFunction: ProfileEntry[];
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Where a frame comes from: a package name, a project-relative file, `node:…`, or a V8 pseudo-frame. */
function origin(frame: ProfileNode['callFrame'], root: string): string {
  if (SPECIAL.has(frame.functionName) && frame.url === '') return frame.functionName;
  const url = frame.url.replace(/^file:\/\//, '');
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith(root)) return relative(root, url);
  return url;
}

function projectFile(frame: ProfileNode['callFrame'], root: string): string | null {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url.startsWith(root) || url.includes('/node_modules/')) return null;
  return relative(root, url);
}

/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the busy time went. `window` (µs on the
 * profiler's monotonic clock, as `process.hrtime` reads it) keeps only the samples taken under load, not
 * start-up and shut-down.
 */
export function summariseProfile(file: string, root: string, options: { top?: number; window?: { from: number; to: number } } = {}): ProfileSummary {
  const top = options.top ?? 25;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (options.window && (at < options.window.from || at > options.window.to)) return;
    self.set(id, (self.get(id) ?? 0) + delta);
  });

  let busy = 0;
  const selfFn = new Map<string, { name: string; where: string; us: number }>();
  const selfOrigin = new Map<string, number>();
  const inclFile = new Map<string, number>();
  const inclFn = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    busy += us;
    const where = origin(node.callFrame, root);
    const key = `${node.callFrame.functionName}|${node.callFrame.url}|${node.callFrame.lineNumber}`;
    // tsx compiles project files on the fly, so their line numbers mean nothing; packages' lines are real.
    const line = node.callFrame.url && !projectFile(node.callFrame, root) ? `:${node.callFrame.lineNumber + 1}` : '';
    const file = node.callFrame.url.startsWith('node:') ? node.callFrame.url : where;
    const entry = selfFn.get(key) ?? { name: node.callFrame.functionName || '(anonymous)', where: `${file}${line}`, us: 0 };
    entry.us += us;
    selfFn.set(key, entry);
    selfOrigin.set(where, (selfOrigin.get(where) ?? 0) + us);
    // Inclusive: every project file / function on this sample's stack, once each.
    const files = new Set<string>();
    const fns = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const f = projectFile(frame, root);
      if (!f) continue;
      files.add(f);
      fns.add(`${frame.functionName || '(anonymous)'} (${f})`);
    }
    for (const f of files) inclFile.set(f, (inclFile.get(f) ?? 0) + us);
    for (const f of fns) inclFn.set(f, (inclFn.get(f) ?? 0) + us);
  }
  const entries = (m: Map<string, number>): ProfileEntry[] =>
    [...m].map(([name, us]) => ({ name, where: '', ms: us / 1000, share: us / busy })).sort((a, b) => b.ms - a.ms).slice(0, top);
  return {
    busyMs: busy / 1000,
    topSelf: [...selfFn.values()].map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: e.us / busy })).sort((a, b) => b.ms - a.ms).slice(0, top),
    selfByOrigin: entries(selfOrigin),
    inclusiveByProjectFile: entries(inclFile),
    inclusiveByProjectFunction: entries(inclFn),
  };
}
