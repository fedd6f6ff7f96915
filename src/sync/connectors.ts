import { ConfigError } from '../errors.ts';
import { providers } from '../providers/registry.ts';
import type { ConnectionConfig, Connector, RequestGate } from '../providers/types.ts';

/**
 * One connector per configured connection, shared by every job in the process. All are built when the pool is
 * made (the process starts), so a connection whose settings a provider refuses fails the start, not a job that is
 * then retried; `checkConnections` (config/connections.ts) reports the same refusal by environment variable.
 */
export class ConnectorPool {
  readonly #configs: ReadonlyMap<string, ConnectionConfig>;
  readonly #connectors = new Map<string, Connector>();
  readonly #gateFor: (connection: ConnectionConfig) => RequestGate | undefined;

  /** `gateFor` makes the shared request budget of a connection that has one. */
  constructor(configs: ReadonlyMap<string, ConnectionConfig>, gateFor: (connection: ConnectionConfig) => RequestGate | undefined = () => undefined) {
    this.#configs = configs;
    this.#gateFor = gateFor;
    for (const name of configs.keys()) this.get(name);
  }

  has(name: string): boolean {
    return this.#configs.has(name);
  }

  names(): string[] {
    return [...this.#configs.keys()];
  }

  /** A connection's settings (the API's connection check names the variables to fix from them). */
  config(name: string): ConnectionConfig | undefined {
    return this.#configs.get(name);
  }

  get(name: string): Connector {
    let connector = this.#connectors.get(name);
    if (!connector) {
      const config = this.#configs.get(name);
      if (!config) throw new ConfigError([`no connection named "${name}" is configured (set its provider's token in the environment, or define it in connections/${name}.yaml)`]);
      const gate = config.gate ?? this.#gateFor(config);
      connector = providers[config.provider].connect(gate ? { ...config, gate } : config);
      this.#connectors.set(name, connector);
    }
    return connector;
  }
}
