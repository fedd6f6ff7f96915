import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The simulator is an oracle only if it is written apart from the connector: it imports nothing of it. */
describe('the Propexo simulator is independent of the connector', () => {
  it('no file under src/simulators/propexo imports from src/providers', () => {
    const dir = 'src/simulators/propexo';
    const offenders = readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join(dir, file), 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => `${file}: ${m[1]}`))
      .filter((line) => /providers\//.test(line));
    expect(offenders).toEqual([]);
  });
});
