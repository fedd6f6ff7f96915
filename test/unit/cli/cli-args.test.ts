import { describe, expect, it } from 'vitest';
import { apiUrlOf } from '../../../src/api/cli-commands.ts';
import { connectionEnvLines } from '../../../src/bootstrap/simulate-command.ts';
import { COMMANDS, commandUsage, usage, vetArgs, type CommandName } from '../../../src/cli-args.ts';

describe('vetArgs', () => {
  it('answers every command\'s --help (and -h) with its usage', () => {
    for (const command of Object.keys(COMMANDS) as CommandName[]) {
      expect(vetArgs(command, ['--help'])).toEqual({ kind: 'help', text: commandUsage(command) });
      expect(vetArgs(command, ['x', '-h'])).toMatchObject({ kind: 'help' });
      expect(usage()).toContain(COMMANDS[command].synopsis);
    }
    expect(commandUsage('run')).toMatch(/^usage: crm-bridge run <sync> \[--full\] \[--wait\]\n/);
  });

  it('refuses an unknown option, a missing value or a stray argument in one line, then the usage', () => {
    const unknown = vetArgs('run', ['sync-a', '--fast']);
    expect(unknown).toEqual({ kind: 'error', text: `crm-bridge run: unknown option '--fast'\n${commandUsage('run')}` });
    expect(vetArgs('simulate', ['trata', '--port'])).toMatchObject({ kind: 'error', text: expect.stringMatching(/^crm-bridge simulate: option '--port <value>' argument missing\n/) });
    expect(vetArgs('start', ['now'])).toMatchObject({ kind: 'error', text: expect.stringMatching(/^crm-bridge start: unexpected argument 'now'\nusage/) });
  });

  it('lets good arguments through; after `--`, --help is an argument', () => {
    expect(vetArgs('run', ['sync-a', '--full', '--wait'])).toEqual({ kind: 'ok' });
    expect(vetArgs('preview', ['m.yaml', '-', '--explain', '--previous', 'b.json'])).toEqual({ kind: 'ok' });
    expect(vetArgs('preview', ['m.yaml', '--', '--help'])).toEqual({ kind: 'ok' });
  });
});

describe('apiUrlOf', () => {
  it('is CRM_BRIDGE_API_URL when set, else the local API on HOST:PORT', () => {
    expect(apiUrlOf({ CRM_BRIDGE_API_URL: 'https://bridge.example', HOST: '127.0.0.1', PORT: 4000 })).toBe('https://bridge.example');
    expect(apiUrlOf({ HOST: '127.0.0.1', PORT: 4000 })).toBe('http://127.0.0.1:4000');
    expect(apiUrlOf({ HOST: '0.0.0.0', PORT: 3000 })).toBe('http://127.0.0.1:3000');
    expect(apiUrlOf({ HOST: '::1', PORT: 3000 })).toBe('http://[::1]:3000');
  });
});

describe('connectionEnvLines', () => {
  it('names every setting by its variable; a connection that logs in prints its credentials, not a token', () => {
    expect(connectionEnvLines({ name: 'propexo', provider: 'propexo', baseUrl: 'http://127.0.0.1:5', token: 't', timeoutMs: 1, options: { integrationId: 'i 1' } })).toEqual([
      'PROPEXO_BASE_URL=http://127.0.0.1:5',
      'PROPEXO_TOKEN=t',
      "PROPEXO_INTEGRATION_ID='i 1'",
    ]);
    const lines = connectionEnvLines({ name: 'powerchord', provider: 'powerchord', baseUrl: 'http://h', token: 't', timeoutMs: 1, options: { email: 'a@b.c', password: 'p' } });
    expect(lines).toEqual(['POWERCHORD_BASE_URL=http://h', 'POWERCHORD_EMAIL=a@b.c', 'POWERCHORD_PASSWORD=p']);
  });
});
