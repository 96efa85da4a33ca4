import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used, in milliseconds; null when it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, utime 14, stime 15 (1-based in proc(5)).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return null;
  }
}

/** Resident set size in MB; null when the process is gone. */
export function rssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** The pids of every PostgreSQL server process on this machine (postmaster and backends). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export interface ProcessGroup {
  label: string;
  /** Called at start and end (so backends that come and go are counted). */
  pids(): number[];
}

export interface Usage {
  /** CPU milliseconds each group used during the window. */
  cpuMs: Record<string, number>;
  /** Largest RSS seen in the window, summed over a group's processes, in MB. */
  maxRssMb: Record<string, number>;
  /** CPU ms per second of wall time that processes outside every group used: other work on the machine. */
  foreignCpuMsPerSecond: number;
}

/** Samples CPU time and RSS of process groups while a load runs (RSS every 200 ms). */
export function sampleUsage(groups: ProcessGroup[]): { stop(): Usage } {
  const startCpu = new Map<string, Map<number, number>>();
  const maxRss: Record<string, number> = {};
  const readCpu = (g: ProcessGroup) => new Map(g.pids().map((pid) => [pid, cpuMs(pid) ?? 0] as const));
  const sampleRss = () => {
    for (const g of groups) {
      const total = g.pids().reduce((sum, pid) => sum + (rssMb(pid) ?? 0), 0);
      maxRss[g.label] = Math.max(maxRss[g.label] ?? 0, total);
    }
  };
  for (const g of groups) startCpu.set(g.label, readCpu(g));
  const busyBefore = machineBusyMs();
  const startedAt = performance.now();
  sampleRss();
  const timer = setInterval(sampleRss, 200);
  return {
    stop() {
      clearInterval(timer);
      sampleRss();
      const used: Record<string, number> = {};
      for (const g of groups) {
        const before = startCpu.get(g.label) ?? new Map<number, number>();
        let total = 0;
        for (const [pid, ms] of readCpu(g)) total += ms - (before.get(pid) ?? 0);
        used[g.label] = total;
      }
      const ours = Object.values(used).reduce((a, b) => a + b, 0);
      const wall = (performance.now() - startedAt) / 1000;
      return { cpuMs: used, maxRssMb: maxRss, foreignCpuMsPerSecond: Math.max(0, machineBusyMs() - busyBefore - ours) / wall };
    },
  };
}

/** CPU time the whole machine spent busy (all cores, not idle or iowait), in ms, from /proc/stat. */
export function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu ')) ?? '';
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) / TICKS;
  } catch {
    return 0;
  }
}
