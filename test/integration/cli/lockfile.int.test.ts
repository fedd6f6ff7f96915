import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('package-lock.json', () => {
  it('is what npm install writes here: a fresh clone\'s install leaves the tree clean', async () => {
    // `--package-lock-only` runs npm's whole resolution (the part that rewrote the lock) without installing.
    const dir = await mkdtemp(join(tmpdir(), 'crm-bridge-lock-'));
    try {
      await copyFile('package.json', join(dir, 'package.json'));
      await copyFile('package-lock.json', join(dir, 'package-lock.json'));
      const npm = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(npm.status, npm.stderr).toBe(0);
      expect(await readFile(join(dir, 'package-lock.json'), 'utf8')).toBe(await readFile('package-lock.json', 'utf8'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
