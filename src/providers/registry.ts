import { overplane } from './overplane/index.ts';
import { powerchord } from './powerchord/index.ts';
import { propexo } from './propexo/index.ts';
import { trata } from './trata/index.ts';
import type { ProviderDefinition, ProviderName } from './types.ts';

/** Every provider the engine knows, by name. The only place that imports provider folders. */
export const providers: Readonly<Record<ProviderName, ProviderDefinition>> = Object.freeze({
  trata,
  overplane,
  propexo,
  powerchord,
});

export function getProvider(name: ProviderName): ProviderDefinition {
  return providers[name];
}
