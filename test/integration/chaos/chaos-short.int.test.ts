import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../../chaos/nemesis.ts';

const root = path.resolve(import.meta.dirname, '../../..');

/** Runs `npm run chaos` as a user would (its own Redis, simulators, two workers and the API); resolves its output. */
function runChaos(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['chaos/run.ts', ...args], { cwd: root, env: { PATH: process.env['PATH'], HOME: process.env['HOME'] }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('chaos, short: every fault kind once against real processes', () => {
  // Takes ~40 s alone on the 2-core machine; the limit leaves room for a busy one.
  it('leaves no duplicate, loses no record and ends every run', { timeout: 180_000 }, async () => {
    const { code, stdout, stderr } = await runChaos(['--records', '2000', '--overplane-records', '400', '--seed', '20261201', '--once', '--settle-s', '25']);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    // On failure the harness's own report (findings and their evidence) is the message.
    const report = `${stdout}\n--- stderr (tail) ---\n${stderr.slice(-3_000)}`;
    expect(last.startsWith('{'), report).toBe(true);
    const result = JSON.parse(last) as { faults: Record<string, number>; duplicates: number; lost: number; stuck_runs: number; converged: boolean };
    expect(Object.keys(result.faults).sort(), report).toEqual([...FAULT_KINDS].sort());
    expect({ duplicates: result.duplicates, lost: result.lost, stuck_runs: result.stuck_runs }, report).toEqual({ duplicates: 0, lost: 0, stuck_runs: 0 });
    expect(result.converged, report).toBe(true);
    // Exit code 1 with the three above at 0 is a ledger-count finding: the report names it; not asserted here.
    expect(code === 0 || code === 1, report).toBe(true);
  });
});
