import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM_MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number, alphabet: string = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export { ALNUM, ALNUM_MIXED };

/**
 * A clock whose readings strictly increase, in microseconds: two writes in the same millisecond still get
 * distinct, ordered timestamps, as a real database's would.
 */
export class MonotonicClock {
  #lastMicros = 0;
  nowMicros(): number {
    const micros = Date.now() * 1000;
    this.#lastMicros = micros > this.#lastMicros ? micros : this.#lastMicros + 1;
    return this.#lastMicros;
  }
}

/** `2024-11-11T05:09:14.979287`: ISO with microseconds and no zone, as Trata answers. */
export function zonelessMicros(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString(); // ...T05:09:14.979Z
  return `${iso.slice(0, 23)}${String(micros % 1000).padStart(3, '0')}`;
}

/** Reads an ISO timestamp (with or without zone, ms or µs) as microseconds since the epoch, UTC; NaN if unreadable. */
export function parseMicros(value: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!match) return Number.NaN;
  const [, base, fraction = '', zone = 'Z'] = match;
  const ms = Date.parse(`${base}${zone}`);
  if (Number.isNaN(ms)) return Number.NaN;
  return ms * 1000 + Number(fraction.padEnd(6, '0'));
}
