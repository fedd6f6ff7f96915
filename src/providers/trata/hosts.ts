/** Trata's API host (seeds 000, 001): the default of `TRATA_BASE_URL`. */
export const TRATA_HOSTS = Object.freeze({ api: 'https://api.trata.ai' });
