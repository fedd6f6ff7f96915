import { z } from 'zod';

const StoredObject = z.record(z.string(), z.unknown());

/**
 * A JSON object read back from Redis (a body last sent, an error mark). After a crash or from an older deploy it
 * may be anything: what is not an object reads as absent, so the record is treated as never seen, never as a throw.
 */
export function parseStoredObject(json: string | null | undefined): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const parsed = StoredObject.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
