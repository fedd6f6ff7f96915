/** Propexo's API hosts by environment (`PROPEXO_ENVIRONMENT`): production and the documented sandbox. */
export const PROPEXO_ENVIRONMENTS = ['production', 'sandbox'] as const;
export type PropexoEnvironment = (typeof PROPEXO_ENVIRONMENTS)[number];

export const PROPEXO_HOSTS: Readonly<Record<PropexoEnvironment, string>> = Object.freeze({
  production: 'https://api.propexo.com',
  sandbox: 'https://api.sandbox.propexo.com',
});
