/** Overplane CRM's API (seed 002): the default of `OVERPLANE_BASE_URL`. Its path is part of the base. */
export const OVERPLANE_HOSTS = Object.freeze({ api: 'https://api.overplane.dev/api/crm' });

/** The base path every Overplane route sits under (`/api/crm`), wherever the API is served (a simulator too). */
export const OVERPLANE_BASE_PATH = new URL(OVERPLANE_HOSTS.api).pathname;
