/**
 * Server-side measurements for the chat benchmark, taken in the process that hosts the server:
 * CPU over a window (this process and, for Jiaoliu, the PostgreSQL processes), event-loop delay,
 * garbage-collection time, heap and RSS after a full GC, and an optional CPU profile with a
 * summary of where the time went.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

// --- Memory ----------------------------------------------------------------------------------

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface MemorySample {
  rss: number;
  heapUsed: number;
}

/** RSS and heap after two full collections, so garbage does not count as connection state. */
export function settledMemory(): MemorySample {
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

// --- PostgreSQL processes --------------------------------------------------------------------

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime (ms) and parent pid of a process, from /proc (Linux only). */
function procTimes(pid: number): { ms: number; ppid: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state ppid … utime is field 14, stime 15 of the full line.
    return { ppid: Number(fields[1]), ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks };
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) of the postmaster serving dataDir and all its children (backends, WAL writer,
 * checkpointer…). Backends that exit within a window lose their share, but the pool keeps its
 * connections open. Null when /proc is not there.
 */
export function postgresCpuMs(dataDir: string): number | null {
  if (!fs.existsSync('/proc')) return null;
  const pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const postmaster = pids.find((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) return null;
  let total = procTimes(postmaster)?.ms ?? 0;
  for (const pid of pids) {
    const times = procTimes(pid);
    if (times?.ppid === postmaster) total += times.ms;
  }
  return total;
}

// --- The whole machine ----------------------------------------------------------------------

/** Jiffies from the first line of /proc/stat: busy (all but idle and iowait), steal, and total. */
function machineTicks(): { busy: number; steal: number; total: number } | null {
  try {
    const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    const busy = user + nice + system + irq + softirq;
    return { busy, steal, total: busy + idle + iowait + steal };
  } catch {
    return null;
  }
}

/** Busy CPU of the whole machine over the next `ms`, % of one core; null without /proc. */
export async function machineBusyPercent(ms: number): Promise<number | null> {
  const start = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const end = machineTicks();
  return start && end ? ((end.busy - start.busy) / (end.total - start.total || 1)) * os.cpus().length * 100 : null;
}

// --- One measured window ---------------------------------------------------------------------

export interface WindowFigures {
  wallMs: number;
  /** This process (the server), % of one core. */
  cpuPercent: number;
  /** PostgreSQL, % of one core; null when not measured. */
  postgresCpuPercent: number | null;
  /** Event-loop delay of the server process, ms. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** Time in GC pauses, % of the window. */
  gcPercent: number;
  /** All processes on the machine, % of one core (so up to 100 × cores); null without /proc. */
  machineCpuPercent: number | null;
  /** CPU the hypervisor gave to others, % of one core. */
  stealPercent: number | null;
}

/** Starts measuring; the returned function stops and reports. */
export function startWindow(postgresDataDir?: string): () => WindowFigures {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const pgStart = postgresDataDir ? postgresCpuMs(postgresDataDir) : null;
  const machineStart = machineTicks();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const pgEnd = postgresDataDir ? postgresCpuMs(postgresDataDir) : null;
    const machineEnd = machineTicks();
    const machineShare = (pick: (t: { busy: number; steal: number; total: number }) => number) =>
      machineStart && machineEnd ? ((pick(machineEnd) - pick(machineStart)) / (machineEnd.total - machineStart.total || 1)) * os.cpus().length * 100 : null;
    loop.disable();
    observer.disconnect();
    return {
      wallMs,
      cpuPercent: ((used.user + used.system) / 1000 / wallMs) * 100,
      postgresCpuPercent: pgStart !== null && pgEnd !== null ? ((pgEnd - pgStart) / wallMs) * 100 : null,
      loopDelayP99: loop.percentile(99) / 1e6,
      loopDelayMax: loop.max / 1e6,
      gcPercent: (gcMs / wallMs) * 100,
      machineCpuPercent: machineShare((t) => t.busy),
      stealPercent: machineShare((t) => t.steal),
    };
  };
}

// --- CPU profile -----------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where a frame's code lives: an npm package, a folder of ours, a Node internal, or a V8 pseudo-frame. */
function area(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return path.relative(repoRoot, file);
}

/** Self time by code area and by function, in % of all non-idle samples. */
export function summariseProfile(profile: Profile, top = 15): string {
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (!hits || functionName === '(idle)') continue;
    busy += hits;
    const where = area(url, functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + hits);
    const name = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  }
  const table = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => `    ${((hits / busy) * 100).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  return `  self time by area (% of busy samples):\n${table(byArea)}\n  self time by function:\n${table(byFunction)}`;
}

/** Profiles this process (the server's thread) until the returned function is called. */
export async function startProfile(): Promise<() => Promise<Profile>> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  return async () => {
    const { profile } = await post<{ profile: Profile }>('Profiler.stop');
    session.disconnect();
    return profile;
  };
}
