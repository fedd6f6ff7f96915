import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'src/simulators/powerchord';

describe('the PowerChord simulator is written apart from the connector', () => {
  it('imports nothing from src/providers (its validation comes from the docs, not from our schemas)', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = readFileSync(join(DIR, file), 'utf8');
      const imports = [...source.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2]);
      expect(imports.filter((path) => path?.includes('providers')), `${file}`).toEqual([]);
    }
  });
});
