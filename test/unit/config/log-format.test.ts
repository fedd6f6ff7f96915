import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, prettyStream, resolveLogFormat } from '../../../src/logger.ts';
import { clearSecrets, registerSecrets } from '../../../src/secrets.ts';

afterEach(() => clearSecrets());

describe('log format', () => {
  it('is LOG_FORMAT when set, else pretty on a terminal and JSON otherwise', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('pretty lines are human-readable and still scrubbed of configured secrets', () => {
    registerSecrets(['sk_live_canary_0123456789']);
    let text = '';
    const destination = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString()), done()) });
    const logger = createLogger('info', prettyStream({ colorize: false, destination }));
    logger.info({ sync: 'trata-to-powerchord', note: 'key sk_live_canary_0123456789' }, 'run finished');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: run finished\n/);
    expect(text).toContain('sync: "trata-to-powerchord"');
    expect(text).not.toContain('sk_live_canary');
    expect(text).not.toMatch(/^\{/m);
  });
});
