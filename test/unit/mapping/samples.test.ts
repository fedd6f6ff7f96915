import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runPreviewCommand } from '../../../src/mapping/index.ts';
import { loadMappingFile } from '../../../src/mapping/load.ts';
import { providers } from '../../../src/providers/registry.ts';
import { PROVIDER_NAMES } from '../../../src/providers/types.ts';
import { OverplaneProspect, OverplaneProspectLead } from '../../../src/providers/overplane/schema.ts';
import { PropexoProspect } from '../../../src/providers/propexo/schema.ts';
import { TrataProspect } from '../../../src/providers/trata/schema.ts';

/** `crm-bridge preview <mapping> samples/<source>.json`, in process: exit code, stdout and stderr. */
async function preview(mapping: string, record: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPreviewCommand([mapping, record], { readStdin: async () => '', out: (s) => void out.push(s), err: (s) => void err.push(s) });
  return { code, out: out.join(''), err: err.join('\n') };
}

describe('samples/<provider>.json', () => {
  it('exist for every provider that can be a source', async () => {
    const files = await readdir('samples');
    for (const provider of PROVIDER_NAMES.filter((p) => providers[p].capabilities.list)) expect(files).toContain(`${provider}.json`);
  });

  it('read as each provider answers them (the connectors\' response schemas)', async () => {
    const sample = async (provider: string) => JSON.parse(await readFile(`samples/${provider}.json`, 'utf8')) as Record<string, unknown>;
    expect(TrataProspect.safeParse(await sample('trata')).success).toBe(true);
    const overplane = await sample('overplane');
    expect(OverplaneProspect.safeParse(overplane).success).toBe(true);
    for (const lead of overplane['leads'] as unknown[]) expect(OverplaneProspectLead.safeParse(lead).success).toBe(true);
    expect(PropexoProspect.safeParse(await sample('propexo')).success).toBe(true);
  });

  it('map cleanly through every shipped mapping from their provider', async () => {
    const mappings = (await readdir('mappings')).filter((f) => f.endsWith('.yaml'));
    expect(mappings.length).toBeGreaterThan(0);
    for (const file of mappings) {
      const path = `mappings/${file}`;
      const { source } = await loadMappingFile(path);
      const result = await preview(path, `samples/${source}.json`);
      expect({ path, code: result.code, err: result.err }).toEqual({ path, code: 0, err: '' });
      expect(Object.keys(JSON.parse(result.out)).length, path).toBeGreaterThan(0);
    }
  });
});
