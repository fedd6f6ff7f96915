import { describe, expect, it } from 'vitest';
import { DefinitionVersions } from '../../../src/sync/definition-versions.ts';
import type { SyncDefinition } from '../../../src/sync/definition.ts';

const sync = (name: string, file: string) => ({ name, file }) as SyncDefinition;
const version = (hash: string, ...syncs: SyncDefinition[]) => ({ hash, syncs: new Map(syncs.map((s) => [s.name, s])) });

describe('DefinitionVersions', () => {
  it('answers a run the sync of the version it started on, and new runs the current one', () => {
    const versions = new DefinitionVersions(version('v1', sync('a', 'a@v1'), sync('gone', 'gone@v1')));
    versions.switchTo(version('v2', sync('a', 'a@v2'), sync('new', 'new@v2')));
    expect(versions.current.hash).toBe('v2');
    expect(versions.sync('a', 'v1')?.file).toBe('a@v1');
    expect(versions.sync('a', 'v2')?.file).toBe('a@v2');
    expect(versions.sync('a')?.file).toBe('a@v2');
    // A sync removed by the reload still finishes the runs started before it.
    expect(versions.sync('gone', 'v1')?.file).toBe('gone@v1');
    expect(versions.sync('gone')).toBeUndefined();
    expect(versions.sync('new', 'v1')).toBeUndefined();
  });

  it('falls back to the current version for a version it never loaded or no longer keeps', () => {
    const versions = new DefinitionVersions(version('v0', sync('a', 'a@v0')));
    for (let i = 1; i <= 10; i++) versions.switchTo(version(`v${i}`, sync('a', `a@v${i}`)));
    expect(versions.sync('a', 'elsewhere')?.file).toBe('a@v10');
    expect(versions.sync('a', 'v0')?.file).toBe('a@v10');
    expect(versions.sync('a', 'v3')?.file).toBe('a@v3');
  });

  it('lists the syncs a reload removed that a kept version still defines, each once, as its newest kept version had it', () => {
    const versions = new DefinitionVersions(version('v1', sync('a', 'a@v1'), sync('gone', 'gone@v1'), sync('later', 'later@v1')));
    versions.switchTo(version('v2', sync('a', 'a@v2'), sync('gone', 'gone@v2'), sync('later', 'later@v2')));
    expect(versions.removedSyncs()).toEqual([]);
    versions.switchTo(version('v3', sync('a', 'a@v3'), sync('later', 'later@v3')));
    expect(versions.removedSyncs().map((s) => s.file)).toEqual(['gone@v2']);
    versions.switchTo(version('v4', sync('a', 'a@v4'), sync('gone', 'gone@v4')));
    expect(versions.removedSyncs().map((s) => s.file)).toEqual(['later@v3']);
  });
});
