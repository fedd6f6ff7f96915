/**
 * Preloaded into a server under load (`node --import ./bench/alloc-on-signal.ts …`, ALLOC_OUT=file): the first
 * SIGUSR2 starts V8's sampling heap profiler (collected objects counted), the second writes its profile to ALLOC_OUT.
 * So a load benchmark profiles only its measured part, in a process it did not start in-process (bench/api-cpu.ts).
 */
import { phaseAllocationProfiler } from './alloc-profile.ts';

const out = process.env['ALLOC_OUT'];
if (out) {
  let running: Awaited<ReturnType<typeof phaseAllocationProfiler>> | null = null;
  process.on('SIGUSR2', () => {
    if (!running) {
      void phaseAllocationProfiler().then((profiler) => {
        running = profiler;
        process.stderr.write('alloc-on-signal: sampling\n');
      });
      return;
    }
    void running.stop(out).then(() => process.stderr.write(`alloc-on-signal: wrote ${out}\n`));
  });
}
