// Placeholder until the propexo connector lands: a definition that no mapping can target yet.
import { z } from 'zod';
import { UnsupportedOperationError } from '../../errors.ts';
import type { ProviderDefinition } from '../types.ts';

export const propexo: ProviderDefinition = {
  name: 'propexo',
  capabilities: { list: false, incremental: false, get: false, create: false, update: false, delete: false, asyncWrites: false, searchBy: [] },
  recordSchema: z.object({}),
  writeSchema: z.object({}),
  connect: () => {
    throw new UnsupportedOperationError('propexo', 'connections (not built yet)');
  },
};
