import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PUSH_QUEUES, SYNC_QUEUE } from '../../src/queues/contracts.ts';
import { queuePrefix } from '../../src/queues/factory.ts';
import { basePrefix } from '../../src/sync/keys.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../helpers/trata-to-powerchord.ts';

/**
 * What a cluster needs of the key layout, checked on the 3-master cluster: a sync's keys land on every shard, a
 * queue's keys share one slot (BullMQ's scripts touch several at once) and the queues do not all share one.
 */
let setup: TrataToPowerChord;
let nodes: Redis[] = [];

/** One plain connection per master (SCAN and CLUSTER KEYSLOT answer for that node only). */
async function masters(): Promise<Redis[]> {
  const url = new URL(inject('redisUrl'));
  const first = new Redis(url.toString());
  const slots = (await first.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, ...unknown[]]]>;
  first.disconnect();
  return [...new Set(slots.map(([, , [host, port]]) => `${host}:${port}`))].map((hostPort) => {
    const node = new URL(url);
    [node.hostname, node.port] = hostPort.split(':') as [string, string];
    return new Redis(node.toString());
  });
}

async function keysOn(node: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

beforeAll(async () => {
  setup = await startTrataToPowerChord({ settings: { pageSize: 100, batchSize: 10 } });
  nodes = await masters();
});
afterAll(async () => {
  for (const node of nodes) node.disconnect();
  await setup.close();
});

describe('key layout on a 3-master Redis Cluster', () => {
  it('spreads a sync\'s record state over every shard, none holding most of it', async () => {
    const { trata, powerchord, t } = setup;
    trata.store.seed(600);
    const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'), 60_000);
    expect(run.status).toBe('SUCCESS');
    expect(powerchord.store.size).toBe(600);

    const base = basePrefix(t.prefix);
    const perNode = await Promise.all(nodes.map((node) => keysOn(node, `{${base}:r:*`)));
    const total = perNode.reduce((sum, keys) => sum + keys.length, 0);
    expect(total).toBeGreaterThan(600); // a crosswalk and a sent state per record, in small hashes
    // 64 partition tags land on the 3 shards by their hash: a third each, give or take (a share above 0.6 would
    // take a tag layout gone wrong; above 0.5 happens by chance for about one prefix in a hundred).
    for (const keys of perNode) {
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.length / total).toBeLessThan(0.6);
    }
    console.info(`record state keys per shard: ${perNode.map((k) => k.length).join(', ')} of ${total}`);
  });

  it('keeps each queue in one slot, and the queues in different slots', async () => {
    const { t } = setup;
    const slotsOfQueue = new Map<string, Set<number>>();
    for (const name of [SYNC_QUEUE, ...PUSH_QUEUES]) {
      const slots = new Set<number>();
      for (const node of nodes) {
        for (const key of await keysOn(node, `${queuePrefix(t.prefix, name)}:*`)) slots.add(Number(await node.call('CLUSTER', 'KEYSLOT', key)));
      }
      slotsOfQueue.set(name, slots);
    }
    const used = [...slotsOfQueue.values()].filter((slots) => slots.size > 0);
    for (const slots of used) expect(slots.size).toBe(1);
    // The sync queue and the PowerChord push queue both hold jobs now, on slots of their own.
    expect(new Set(used.map((slots) => [...slots][0])).size).toBe(used.length);
    expect(used.length).toBeGreaterThanOrEqual(2);
  });
});
