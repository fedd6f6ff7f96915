/**
 * CPU profiles of one phase, and what they say.
 *
 * - `phaseProfiler()`: used inside a bench child (worker or baseline process) to profile only the phase being
 *   measured (node's `--cpu-prof` covers the whole process: start-up, every phase, shutdown).
 * - `summarize(profile)`: self time by function and by module (BullMQ, ioredis, undici, zod, our sync and mapping
 *   code, JSON, GC...), per item when given the number of items.
 * - `npx node bench/profile.ts FILE.cpuprofile [--items N] [--top K]`: prints that summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The profiler a profile file's name asks for: `.heapprofile` samples allocations (bench/alloc-profile.ts), else CPU. */
export async function profilerFor(file: string): Promise<{ stop: (file: string) => Promise<unknown> }> {
  if (file.endsWith('.heapprofile')) return (await import('./alloc-profile.ts')).phaseAllocationProfiler();
  return phaseProfiler();
}

/** Starts the V8 profiler in this process; `stop(file)` writes the profile there and answers it. */
export async function phaseProfiler(): Promise<{ stop: (file: string) => Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 250 µs: fine enough for functions of a few µs each over tens of thousands of records, cheap enough not to
  // change what it measures much.
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      return profile;
    },
  };
}

/** Which part of the process a function belongs to, by its script URL (or its name, for V8's own entries). */
export function moduleOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    if (/^(parse|stringify)$/.test(functionName)) return 'JSON (builtin)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) {
    const name = url.slice(5);
    if (/^(net|stream|internal\/streams|internal\/stream_base_commons|_stream)/.test(name)) return 'node: net/streams';
    if (/^(internal\/)?(timers|process\/task_queues|internal\/process\/task_queues|events|internal\/async_hooks)/.test(name)) return 'node: timers/events/microtasks';
    return `node: ${name.replace(/^internal\//, '').split('/')[0]}`;
  }
  const ours = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (ours) {
    const [, top, rest] = ours;
    const dir = rest!.split('/');
    // src/sync, src/mapping, src/providers/powerchord...: one bucket per folder, two levels under providers.
    if (top === 'src' && dir[0] === 'providers' && dir.length > 2) return `src/providers/${dir[1]}`;
    return `${top}/${dir.length > 1 ? dir[0] : dir[0]!.replace(/\.ts$/, '')}`;
  }
  return url;
}

export interface Summary {
  totalMs: number;
  /** Sampled time less idle. */
  busyMs: number;
  modules: Array<{ name: string; ms: number; share: number }>;
  functions: Array<{ name: string; module: string; ms: number; share: number }>;
  /**
   * Self time charged to the nearest function of our own code (src/) up the stack: what each of our functions
   * costs including the library code it calls (a library's own work, BullMQ's job loop, undici's socket reads, has
   * none of ours above it and stays under "(no src/ caller)").
   */
  ownCallers: Array<{ name: string; ms: number; share: number }>;
}

/** Self time per module and per function, from the samples (each sample's time is the delta that follows it). */
export function summarize(profile: CpuProfile, top = 30): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (frame: CallFrame) => {
    const file = frame.url ? frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/') : '';
    return `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
  };
  const ownCache = new Map<number, string>();
  const ownCaller = (id: number): string => {
    const cached = ownCache.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)!.callFrame;
    const up = parent.get(id);
    const name = /\/src\//.test(frame.url) ? nameOf(frame) : up === undefined ? '(no src/ caller)' : ownCaller(up);
    ownCache.set(id, name);
    return name;
  };
  const owners = new Map<string, number>();
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const modules = new Map<string, number>();
  const functions = new Map<string, { module: string; us: number }>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const module = moduleOf(frame);
    total += us;
    if (module === 'idle') {
      idle += us;
      continue;
    }
    modules.set(module, (modules.get(module) ?? 0) + us);
    const owner = ownCaller(id);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const name = nameOf(frame);
    const entry = functions.get(name) ?? { module, us: 0 };
    entry.us += us;
    functions.set(name, entry);
  }
  const busy = total - idle;
  const share = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    modules: [...modules.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: share(us) })),
    functions: [...functions.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([name, { module, us }]) => ({ name, module, ms: us / 1000, share: share(us) })),
    ownCallers: [...owners.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: us / 1000, share: share(us) })),
  };
}

/** The summary as text; with `items`, also µs per item. */
export function formatSummary(summary: Summary, items?: number, modulesShown = 25): string {
  const per = (ms: number) => (items ? `${((ms * 1000) / items).toFixed(1).padStart(7)} µs/item` : '');
  const lines = [
    `sampled ${summary.totalMs.toFixed(0)} ms, busy ${summary.busyMs.toFixed(0)} ms${items ? ` (${((summary.busyMs * 1000) / items).toFixed(1)} µs per item over ${items})` : ''}`,
    'self time by module:',
    ...summary.modules.slice(0, modulesShown).map((m) => `  ${m.share.toFixed(1).padStart(5)} %  ${per(m.ms)}  ${m.name}`),
    'top functions by self time:',
    ...summary.functions.map((f) => `  ${f.share.toFixed(1).padStart(5)} %  ${per(f.ms)}  ${f.name}  [${f.module}]`),
    'self time charged to the nearest src/ function up the stack:',
    ...summary.ownCallers.map((f) => `  ${f.share.toFixed(1).padStart(5)} %  ${per(f.ms)}  ${f.name}`),
  ];
  return lines.join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { items: { type: 'string' }, top: { type: 'string', default: '30' } } });
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(`== ${file}\n${formatSummary(summarize(profile, Number(values.top)), values.items ? Number(values.items) : undefined)}\n`);
  }
}
