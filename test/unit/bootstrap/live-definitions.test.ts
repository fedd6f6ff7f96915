import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definitionsBanner } from '../../../src/api/runs-page-html.ts';
import { LiveDefinitions, hashTexts, loadHashedDefinitions, type DefinitionsEngine } from '../../../src/bootstrap/live-definitions.ts';
import { createLogger } from '../../../src/logger.ts';
import type { DefinitionsVersion } from '../../../src/sync/definition-versions.ts';

let dir: string;
let dirs: { jobsDir: string; mappingsDir: string };
const MAPPING = 'trata-to-powerchord';

/** What the reload asked of the engine. */
function fakeEngine() {
  const calls = { switched: [] as DefinitionsVersion[], schedules: [] as string[][] };
  const engine: DefinitionsEngine = {
    switchDefinitions: (next) => void calls.switched.push(next),
    syncSchedules: async (only) => (calls.schedules.push([...(only ?? [])].sort()), { scheduled: [], removed: [] }),
    runnable: () => true,
  };
  return { engine, calls };
}

async function live(options: { schedule?: boolean } = {}) {
  const { engine, calls } = fakeEngine();
  const initial = await loadHashedDefinitions(dirs);
  expect(initial.definitions.issues).toEqual([]);
  return { defs: new LiveDefinitions({ dirs, engine, initial, logger: createLogger('silent'), schedule: options.schedule ?? true, debounceMs: 20 }), calls, initial };
}

const file = (kind: 'jobs' | 'mappings', name: string) => path.join(dir, kind, `${name}.yaml`);
const edit = (kind: 'jobs' | 'mappings', name: string, change: (text: string) => string) => writeFileSync(file(kind, name), change(readFileSync(file(kind, name), 'utf8')));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cb-live-unit-'));
  dirs = { jobsDir: path.join(dir, 'jobs'), mappingsDir: path.join(dir, 'mappings') };
  for (const sub of ['jobs', 'mappings']) {
    mkdirSync(path.join(dir, sub));
    for (const f of readdirSync(sub).filter((n) => n.endsWith('.yaml'))) copyFileSync(path.join(sub, f), path.join(dir, sub, f));
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('hashTexts', () => {
  it('depends on names and contents, not on the order files were read in', () => {
    const a = hashTexts(new Map([['jobs/a.yaml', 'x'], ['mappings/b.yaml', 'y']]));
    expect(hashTexts(new Map([['mappings/b.yaml', 'y'], ['jobs/a.yaml', 'x']]))).toBe(a);
    expect(hashTexts(new Map([['jobs/a.yaml', 'x'], ['mappings/b.yaml', 'z']]))).not.toBe(a);
    expect(hashTexts(new Map([['jobs/c.yaml', 'x'], ['mappings/b.yaml', 'y']]))).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is the same for the same files in another folder', async () => {
    const here = await loadHashedDefinitions({ jobsDir: 'jobs', mappingsDir: 'mappings' });
    expect((await loadHashedDefinitions(dirs)).hash).toBe(here.hash);
  });
});

describe('LiveDefinitions.reload', () => {
  it('switches to valid files and names the syncs a mapping change touches; unchanged files change nothing', async () => {
    const { defs, calls, initial } = await live();
    expect(await defs.reload('test')).toEqual({ status: 'unchanged', hash: initial.hash });
    edit('mappings', MAPPING, (t) => t.replace('NEW: open', 'NEW: contacted'));
    const result = await defs.reload('test');
    expect(result).toMatchObject({ status: 'reloaded', previousHash: initial.hash, added: [], changed: ['trata-to-powerchord'], removed: [] });
    expect(calls.switched.map((v) => v.hash)).toEqual([result.hash]);
    expect(calls.switched[0]?.syncs.get('trata-to-powerchord')?.targets[0]?.mapping.fields).toBeDefined();
    // The mapping moved no schedule: no scheduler is upserted (an `every` one would fire at once).
    expect(calls.schedules).toEqual([]);
    expect(defs.status()).toMatchObject({ hash: result.hash, issues: [] });
  });

  it('moves only the schedules that changed, of added, changed and removed syncs', async () => {
    const { defs, calls } = await live();
    edit('jobs', 'trata-to-powerchord', (t) => t.replace('every: 5m', 'every: 10m'));
    writeFileSync(file('jobs', 'extra'), readFileSync(file('jobs', 'trata-to-overplane'), 'utf8').replace(/^name: .*$/m, 'name: extra'));
    unlinkSync(file('jobs', 'trata-to-propexo'));
    const result = await defs.reload('test');
    expect(result).toMatchObject({ status: 'reloaded', added: ['extra'], changed: ['trata-to-powerchord'], removed: ['trata-to-propexo'] });
    // trata-to-overplane's schedule, copied into extra, is unchanged in its own file: it is not upserted again.
    expect(calls.schedules).toEqual([['extra', 'trata-to-powerchord', 'trata-to-propexo']]);
  });

  it('keeps the definitions in use when a file is invalid, reports every issue, and clears them once fixed', async () => {
    const { defs, calls, initial } = await live();
    edit('mappings', MAPPING, (t) => t.replace('NEW: open', 'NEW: opened'));
    const result = await defs.reload('test');
    expect(result).toMatchObject({ status: 'invalid', hash: initial.hash });
    expect(calls.switched).toEqual([]);
    const { issues } = defs.status();
    expect(issues[0]).toMatchObject({ file: file('mappings', MAPPING), line: expect.any(Number), path: 'fields.Status.statusMap.table.NEW' });
    expect(defs.status().hash).toBe(initial.hash);
    // The banner of the runs page lists them, escaped.
    expect(definitionsBanner(defs.status())).toContain('role="alert"');
    expect(definitionsBanner(defs.status())).toContain('&#34;opened&#34;');

    edit('mappings', MAPPING, (t) => t.replace('NEW: opened', 'NEW: open'));
    expect(await defs.reload('test')).toEqual({ status: 'unchanged', hash: initial.hash });
    expect(defs.status().issues).toEqual([]);
    expect(definitionsBanner(defs.status())).not.toContain('alert');
  });

  it('reports a YAML syntax error and a job naming a mapping that is gone', async () => {
    const { defs } = await live();
    writeFileSync(file('mappings', MAPPING), 'fields: [unclosed\n');
    const result = await defs.reload('test');
    expect(result.status).toBe('invalid');
    const messages = defs.status().issues.map((i) => `${path.basename(i.file)} ${i.path} ${i.message}`);
    expect(messages.some((m) => m.startsWith(`${MAPPING}.yaml`) && m.includes('YAML'))).toBe(true);
    expect(messages.some((m) => m.startsWith('trata-to-powerchord.yaml targets[0].mapping'))).toBe(true);
  });

  it('reloads on a file change through the watch, once for a burst of writes', async () => {
    const { defs, calls } = await live();
    defs.watch();
    try {
      for (const status of ['contacted', 'inProgress', 'contacted']) edit('mappings', MAPPING, (t) => t.replace(/NEW: \w+/, `NEW: ${status}`));
      const deadline = Date.now() + 3_000;
      while (calls.switched.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(calls.switched).toHaveLength(1);
    } finally {
      await defs.close();
    }
  });
});

describe('LiveDefinitions and a Redis that refuses the schedules', () => {
  it('switches anyway, and writes the schedules at the next reload', async () => {
    const { engine, calls } = fakeEngine();
    let refuse = true;
    const flaky: DefinitionsEngine = { ...engine, syncSchedules: async (only) => (refuse ? Promise.reject(new Error('Redis is not connected')) : engine.syncSchedules(only)) };
    const initial = await loadHashedDefinitions(dirs);
    const defs = new LiveDefinitions({ dirs, engine: flaky, initial, logger: createLogger('silent'), schedule: true });
    edit('jobs', 'trata-to-powerchord', (t) => t.replace('every: 5m', 'every: 10m'));
    expect(await defs.reload('test')).toMatchObject({ status: 'reloaded', changed: ['trata-to-powerchord'] });
    expect(calls.switched).toHaveLength(1);
    refuse = false;
    expect(await defs.reload('test')).toMatchObject({ status: 'unchanged' });
    expect(calls.schedules).toEqual([['trata-to-powerchord']]);
  });
});
