/**
 * Where a phase's garbage comes from: V8's sampling heap profiler over one phase, with the objects the collector
 * already took counted too (a record's garbage is what makes the scavenges and mark-compacts, not what survives).
 *
 * - `phaseAllocationProfiler()`: inside a bench child, like `phaseProfiler()` (bench/profile.ts) for CPU.
 * - `summarizeAllocations(profile)`: bytes by module, by function and charged to the nearest src/ function.
 * - `npx node bench/alloc-profile.ts FILE.heapprofile [--items N]`: prints that summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { moduleOf } from './profile.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface AllocationNode {
  callFrame: CallFrame;
  selfSize: number;
  children: AllocationNode[];
}
export interface AllocationProfile {
  head: AllocationNode;
}

/** Starts sampling this process's allocations (one sample per 8 KB on average); `stop(file)` writes them there. */
export async function phaseAllocationProfiler(): Promise<{ stop: (file: string) => Promise<AllocationProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  // ALLOC_PROMOTED=1: leave out what died young (a scavenge took it), so what remains is what lived long enough to
  // be promoted to the old space, where only mark-compacts free it.
  const promotedOnly = process.env['ALLOC_PROMOTED'] === '1';
  await session.post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !promotedOnly });
  return {
    stop: async (file) => {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: AllocationProfile };
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      return profile;
    },
  };
}

const nameOf = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

/** Allocated bytes per module, per function, and per nearest src/ function up the stack, as text. */
export function formatAllocations(profile: AllocationProfile, items = 1, top = 30): string {
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, bytes: number) => map.set(key, (map.get(key) ?? 0) + bytes);
  const walk = (node: AllocationNode, owner: string) => {
    const own = /\/src\//.test(node.callFrame.url) ? nameOf(node.callFrame) : owner;
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(modules, moduleOf(node.callFrame), node.selfSize);
      add(functions, nameOf(node.callFrame), node.selfSize);
      add(owners, own, node.selfSize);
    }
    for (const child of node.children) walk(child, own);
  };
  walk(profile.head, '(no src/ caller)');
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => `  ${((bytes / total) * 100).toFixed(1).padStart(5)} %  ${(bytes / items / 1024).toFixed(2).padStart(8)} KB/item  ${name}`);
  return [
    `allocated ${(total / 1024 / 1024).toFixed(1)} MB, ${(total / items / 1024).toFixed(1)} KB per item over ${items} (sampled; ${process.env['ALLOC_PROMOTED'] === '1' ? 'only what a scavenge did not collect' : 'collected objects included'})`,
    'by module:',
    ...rows(modules),
    'by function:',
    ...rows(functions),
    'charged to the nearest src/ function up the stack:',
    ...rows(owners),
  ].join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { items: { type: 'string' }, top: { type: 'string', default: '30' } } });
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as AllocationProfile;
    process.stdout.write(`== ${file}\n${formatAllocations(profile, values.items ? Number(values.items) : 1, Number(values.top))}\n`);
  }
}
