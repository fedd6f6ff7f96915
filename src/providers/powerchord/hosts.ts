/**
 * PowerChord's hosts by region (seed 004 and the "Creating a lead" pages): an API host (updates, OAuth) and a leads
 * host (creates) in each. The region is a property of the connection, and an EU connection's data must never
 * reach a US host: every base URL a connection is given is checked against its region here, once.
 */
export const POWERCHORD_REGIONS = ['us', 'eu'] as const;
export type PowerChordRegion = (typeof POWERCHORD_REGIONS)[number];

export const POWERCHORD_HOSTS: Readonly<Record<PowerChordRegion, { api: string; leads: string }>> = Object.freeze({
  us: { api: 'https://api.powerchord.com', leads: 'https://leads.powerchord.com' },
  eu: { api: 'https://api.powerchord.eu', leads: 'https://leads.powerchord.eu' },
});

const DOMAINS: Readonly<Record<PowerChordRegion, string>> = { us: 'powerchord.com', eu: 'powerchord.eu' };
const LABEL: Readonly<Record<PowerChordRegion, string>> = { us: 'US', eu: 'EU' };

/** 'us' / 'eu' for a host on the region's domain, 'loopback' for a local simulator, null for anything else. */
export function hostRegion(url: string): PowerChordRegion | 'loopback' | null {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return null;
  }
  if (hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)) return 'loopback';
  for (const region of POWERCHORD_REGIONS) {
    const domain = DOMAINS[region];
    if (hostname === domain || hostname.endsWith(`.${domain}`)) return region;
  }
  return null;
}

/**
 * Why `url` must not serve a connection of `region`, or null when it may. A loopback URL is a simulator: its
 * region cannot be read from the name, so whoever starts it (the sandbox, a test) points each region at that
 * region's own simulator hosts. `setting` names the variable or option in the message; the URL's host is named,
 * never its path or credentials.
 */
export function hostProblem(setting: string, url: string, region: PowerChordRegion): string | null {
  const found = hostRegion(url);
  if (found === 'loopback' || found === region) return null;
  const host = safeHost(url);
  if (found !== null) {
    return `${setting}: ${host} is a ${LABEL[found]} PowerChord host, but this connection's region is ${region} (POWERCHORD_REGION): a ${LABEL[region]} connection must never reach a ${LABEL[found]} host`;
  }
  return `${setting}: ${host} is neither a PowerChord ${LABEL[region]} host (*.${DOMAINS[region]}) nor a loopback simulator`;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}
