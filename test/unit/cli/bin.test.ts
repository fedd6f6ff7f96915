import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe("package.json's bin", () => {
  it('is executable as committed and starts with a shebang: `./src/cli.ts` runs in a fresh clone', () => {
    // Found in review: splitting the CLI into src/cli.ts and src/cli-main.ts dropped the entry point's mode to 644.
    const bin = (JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> }).bin['crm-bridge']!;
    expect(execFileSync('git', ['ls-files', '-s', '--', bin], { encoding: 'utf8' })).toMatch(/^100755 /);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});
