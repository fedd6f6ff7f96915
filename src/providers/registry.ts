import { ConfigError } from '../errors.ts';
import { overplane } from './overplane/index.ts';
import { powerchord } from './powerchord/index.ts';
import { propexo } from './propexo/index.ts';
import { trata } from './trata/index.ts';
import { PROVIDER_NAMES, type ProviderDefinition, type ProviderName } from './types.ts';

/**
 * Every provider the engine knows, by name: the only place that imports provider folders, and the only list the
 * rest of the code iterates (env schema, connections from the environment, the sandbox, the test helpers). A new
 * provider is its folder, its name in PROVIDER_NAMES and one line here (the type refuses a name without a line).
 */
const definitions = { trata, overplane, propexo, powerchord } satisfies Record<ProviderName, ProviderDefinition>;

export const providers: Readonly<Record<ProviderName, ProviderDefinition>> = Object.freeze(definitions);

/** The definition of `name`; a name no provider has (from an untyped caller) throws instead of picking another. */
export function getProvider(name: ProviderName): ProviderDefinition {
  const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
  if (provider === undefined) throw new ConfigError([`unknown provider ${JSON.stringify(name)} (known: ${PROVIDER_NAMES.join(', ')})`]);
  return provider;
}

/** `A | B | C` → `A & B & C` (the shapes of every provider's variables, as one object type). */
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
export type ProviderEnvShape = Intersection<{ [P in ProviderName]: (typeof definitions)[P]['envSchema']['shape'] }[ProviderName]>;

/** Every provider's environment variables in one zod shape, merged into `config/env.ts`'s schema. */
export function providerEnvShape(): ProviderEnvShape {
  return Object.assign({}, ...PROVIDER_NAMES.map((name) => getProvider(name).envSchema.shape)) as ProviderEnvShape;
}
