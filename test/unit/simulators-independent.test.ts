import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// A simulator is an oracle for its connector only if it was written apart from it: one that imports the connector's
// schemas agrees with every mistake in them. So no file under src/simulators/ may import anything under
// src/providers/ (not even a "neutral" helper: a simulator needs none of them).

const ROOT = resolve(import.meta.dirname, '../..');
const SIMULATORS = join(ROOT, 'src/simulators');
const PROVIDERS = join(ROOT, 'src/providers');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier a file names: static imports and re-exports (`from '...'`), bare `import '...'`, `import('...')`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** The specifiers of `file` that resolve into src/providers/. */
function providerImports(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8')).filter((spec) => {
    if (spec.startsWith('.')) return resolve(dirname(file), spec).startsWith(PROVIDERS);
    return /(^|\/)src\/providers(\/|$)/.test(spec);
  });
}

const files = sourceFiles(SIMULATORS);
const bySimulator = new Map<string, string[]>();
for (const file of files) {
  const top = relative(SIMULATORS, file).split('/')[0]!;
  const folder = top.endsWith('.ts') ? '(shared)' : top;
  bySimulator.set(folder, [...(bySimulator.get(folder) ?? []), file]);
}

describe('simulators are written apart from the connectors', () => {
  it('finds the simulator files (the scan itself works)', () => {
    expect(files.length).toBeGreaterThan(5);
    expect([...bySimulator.keys()]).toEqual(expect.arrayContaining(['trata', 'overplane', '(shared)']));
    expect(specifiers(`import { a } from '../../providers/x.ts';\nexport * from "./y.ts";\nimport './z.ts';\nawait import('../w.ts');`)).toEqual([
      '../../providers/x.ts',
      './y.ts',
      './z.ts',
      '../w.ts',
    ]);
  });

  // One test per simulator folder, so each provider's state is visible on its own.
  it.each([...bySimulator.keys()].sort())('src/simulators/%s imports nothing from src/providers/', (folder) => {
    const offending = (bySimulator.get(folder) ?? []).flatMap((file) => providerImports(file).map((spec) => `${relative(ROOT, file)} → ${spec}`));
    expect(offending).toEqual([]);
  });
});
