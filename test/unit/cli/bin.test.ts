import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The file's mode as git committed it (what a fresh clone gets), or as it is on disk outside a git checkout. */
function modeOf(file: string): number {
  try {
    const entry = execFileSync('git', ['ls-files', '-s', '--', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    if (entry !== '') return Number.parseInt(entry.slice(0, 6), 8) & 0o777;
  } catch {
    // not a git checkout (a tarball, a Docker build context)
  }
  return statSync(file).mode & 0o777;
}

describe("package.json's bin", () => {
  it('is executable as committed and starts with a shebang: `./src/cli.ts` runs in a fresh clone', () => {
    // Found in review: splitting the CLI into src/cli.ts and src/cli-main.ts dropped the entry point's mode to 644.
    const bin = (JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> }).bin['crm-bridge']!;
    expect(modeOf(bin) & 0o111, `${bin} is not executable`).not.toBe(0);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});
