/**
 * CPU-time profiles with Linux `perf` (optional: `--perf` needs the `perf` binary and permission to attach).
 *
 * V8's own profiler (bench/profile.ts) samples by the wall clock: on a busy machine a process waiting for a core
 * after waking Redis or a simulator is charged to whatever it was doing, mostly socket writes. `perf record -e
 * cpu-clock -p PID` samples only while the process is on a core, so its shares are of CPU time. The child must run
 * with `--perf-basic-prof-only-functions` (V8 then writes /tmp/perf-PID.map naming its compiled JS functions, with
 * their script).
 */
import { spawn, spawnSync } from 'node:child_process';
import { moduleOf } from './profile.ts';

/** Node flags a profiled child needs (interpreted functions get native frames too, so they have names). */
export const PERF_NODE_FLAGS = ['--perf-basic-prof-only-functions', '--interpreted-frames-native-stack'];

/** Starts `perf record` on one process (all its threads); `stop()` ends it and answers once the file is written. */
export function perfRecord(pid: number, file: string): { stop: () => Promise<void> } {
  const child = spawn('perf', ['record', '-q', '-g', '-e', 'cpu-clock', '-F', String(HZ), '-p', String(pid), '-o', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

const HZ = 1000;

interface Frame {
  sym: string;
  dso: string;
}

/** A JS function named by the perf map: `JS:*'name file:///path/file.js:12:3` (`*` optimised, `~` interpreted...). */
function jsFrame(frame: Frame): { functionName: string; url: string; lineNumber: number } | null {
  if (!frame.dso.includes('perf-') || !frame.sym.startsWith('JS:')) return null;
  const m = /^JS:[*~^+']*(.*?) ((?:file|node):\S+?|\/\S+?):(\d+)(?::\d+)?$/.exec(frame.sym);
  if (!m) return { functionName: frame.sym.slice(3), url: '', lineNumber: 0 };
  return { functionName: m[1]!.replace(/^'/, ''), url: m[2]!.startsWith('/') ? `file://${m[2]}` : m[2]!, lineNumber: Number(m[3]) - 1 };
}

const GC = /Scaveng|MarkCompact|Sweep|ConcurrentMarking|MarkingVisitor|Heap::|Evacuat|GCTracer|IncrementalMarking/;

/**
 * CPU time from a `perf record -g` file, each sample charged to the nearest JS function up its stack (V8's
 * builtins, the runtime and the syscalls a function makes are its cost): by module (BullMQ, ioredis, undici, zod,
 * src/sync...: see bench/profile.ts), by function, and by the nearest function of our own code (src/). Samples
 * with no JS frame are GC, the event loop's own I/O (libuv, socket reads) or other threads.
 */
export function perfSummary(file: string, pid: number, items: number, top = 30): string {
  const script = spawnSync('perf', ['script', '-i', file, '-F', 'tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (script.status !== 0) return `perf script failed: ${script.stderr}`;
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let samples = 0;
  for (const block of script.stdout.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const tid = Number(lines[0]!.trim());
    const frames: Frame[] = lines.slice(1).map((l) => {
      const m = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(l);
      const sym = m?.[1] ?? l.trim();
      // C++ template names run to kilobytes: the function's own name is enough here.
      return { sym: sym.length > 100 ? `${sym.slice(0, 100)}…` : sym, dso: m?.[2] ?? '' };
    });
    samples++;
    const leaf = frames[0];
    if (leaf && GC.test(leaf.sym)) {
      add(modules, 'GC');
      add(functions, 'GC');
      add(owners, '(GC)');
      continue;
    }
    if (tid !== pid) {
      add(modules, 'other threads');
      add(functions, `other threads: ${leaf?.sym ?? '?'}`);
      add(owners, '(other threads)');
      continue;
    }
    let nearest: ReturnType<typeof jsFrame> = null;
    let own: string | null = null;
    for (const frame of frames) {
      const js = jsFrame(frame);
      if (!js) continue;
      nearest ??= js;
      if (/\/src\//.test(js.url)) {
        own = `${js.functionName || '(anonymous)'} ${js.url.replace(/^.*\/src\//, 'src/')}:${js.lineNumber + 1}`;
        break;
      }
    }
    if (!nearest) {
      const what = frames.some((f) => /uv__|epoll|uv_run/.test(f.sym)) ? 'event loop I/O (libuv, no JS)' : `native, no JS: ${leaf?.sym ?? '?'}`;
      add(modules, what.startsWith('event') ? what : 'native, no JS');
      add(functions, what);
      add(owners, '(no JS)');
      continue;
    }
    add(modules, moduleOf(nearest));
    add(functions, `${nearest.functionName || '(anonymous)'} ${nearest.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${nearest.lineNumber + 1}  [${moduleOf(nearest)}]`);
    add(owners, own ?? '(no src/ caller)');
  }
  const usPer = (n: number) => ((n * (1_000_000 / HZ)) / items).toFixed(1).padStart(7);
  const share = (n: number) => ((n / Math.max(1, samples)) * 100).toFixed(1).padStart(5);
  const rows = (map: Map<string, number>, count: number) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, n]) => `  ${share(n)} %  ${usPer(n)} µs/item  ${name}`);
  return [
    `${samples} samples = ${((samples * 1000) / HZ).toFixed(0)} ms of CPU, ${usPer(samples).trim()} µs per item over ${items}`,
    'CPU by module (native and kernel time charged to the JS function that called it):',
    ...rows(modules, 25),
    'top JS functions (the same charging):',
    ...rows(functions, top),
    'charged to the nearest src/ function up the stack:',
    ...rows(owners, top),
  ].join('\n');
}
