import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { applyMapping, loadMappingsDir } from '../../../src/mapping/index.ts';
import { JSON_SCHEMAS, renderJsonSchema } from '../../../src/schemas/json-schemas.ts';
import { overplaneRecord, propexoRecord, trataRecord } from './fixtures/records.ts';

const records: Record<string, Record<string, unknown>> = { trata: trataRecord, overplane: overplaneRecord, propexo: propexoRecord };

describe('shipped mappings', () => {
  it('all load without an issue, covering the required pairs', async () => {
    const { mappings, issues } = await loadMappingsDir('mappings');
    expect(issues).toEqual([]);
    expect([...mappings.keys()]).toEqual(expect.arrayContaining(['trata-to-powerchord', 'trata-to-propexo', 'trata-to-overplane', 'overplane-to-trata', 'propexo-to-trata']));
    for (const mapping of mappings.values()) {
      expect(mapping.source).not.toBe('powerchord');
      expect(`${mapping.source}-to-${mapping.target}`).toBe(mapping.name);
    }
  });

  it('each starts with the yaml-language-server schema line', async () => {
    const names = (await readdir('mappings')).filter((n) => n.endsWith('.yaml'));
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      const first = (await readFile(`mappings/${name}`, 'utf8')).split('\n')[0];
      expect(first, name).toBe('# yaml-language-server: $schema=./mapping.schema.json');
    }
  });

  it('each maps a realistic record of its source into a valid body', async () => {
    const { mappings } = await loadMappingsDir('mappings');
    for (const mapping of mappings.values()) {
      const result = applyMapping(mapping, records[mapping.source] as Record<string, unknown>, { sourceId: 'r1' });
      expect(result, mapping.name).toMatchObject({ ok: true });
    }
  });

  it('trata-to-overplane makes a prospect plus its prospect-lead', async () => {
    const { mappings } = await loadMappingsDir('mappings');
    const result = applyMapping(mappings.get('trata-to-overplane')!, trataRecord, { sourceId: trataRecord.id });
    expect(result).toEqual({
      ok: true,
      body: {
        company: 'Ada King Lovelace',
        company_name: 'Ada King Lovelace',
        prospect_owner: 'usr.7',
        // No `lead` link: the connector creates the Overplane Lead and links it; the Trata id is never put there.
        lead: { lead_name: 'Ada King Lovelace', email: 'ada@example.com', mobile_no: '+14155550123', status: 'Lead' },
      },
    });
  });

  it('propexo-to-trata and trata-to-propexo use templates, dates, money and truncation', async () => {
    const { mappings } = await loadMappingsDir('mappings');
    const toTrata = applyMapping(mappings.get('propexo-to-trata')!, propexoRecord, { sourceId: 'pxo_123' });
    expect(toTrata.ok && toTrata.body).toMatchObject({
      name: 'Katherine Johnson',
      email: 'kj@example.org',
      phoneNumber: '+12125550188',
      status: 'GENERAL_ENQUIRY',
      externalReference: [{ providerName: 'propexo', id: 'pxo_123' }],
      prospectProps: { moveInDate: '2025-06-01', rentMaximumDollars: 2100.5, pets: 'CAT, SMALL_DOG', address: '1 Main St, New York, NY, 10001' },
    });
    const long = { ...trataRecord, prospectProps: { city: 'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch' } };
    const toPropexo = applyMapping(mappings.get('trata-to-propexo')!, long, { sourceId: 'p' });
    expect(toPropexo.ok && toPropexo.body['city']).toBe('Llanfairpwllgwyngyllgogerychwy');
  });

  it.each(JSON_SCHEMAS)('the committed $file equals freshly generated output (run `npm run schemas`)', async (entry) => {
    expect(await readFile(entry.file, 'utf8')).toBe(renderJsonSchema(entry));
  });
});

describe('the README\'s mapping reference', () => {
  it('its opening example is a valid mapping', async () => {
    const { parseMapping } = await import('../../../src/mapping/index.ts');
    const readme = await readFile('README.md', 'utf8');
    const reference = readme.slice(readme.indexOf('## Mapping reference'));
    const example = /```yaml\n([\s\S]*?)```/.exec(reference)?.[1] ?? '';
    const mapping = parseMapping(example, 'README.md');
    expect(applyMapping(mapping, { id: 'p', status: 'NEW' }, { sourceId: 'p' })).toEqual({ ok: true, body: { ExternalID: 'p', Status: 'open' } });
  });
});
