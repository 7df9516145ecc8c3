// Where the links of a customer's mail point, decided in one place for the digests, the urgent alerts and the hosted
// customer page itself: the brand's own portal when it has one, else the hosted page (never the service's bare root,
// which is no page). The anchors are the page's sections; a portal is expected to offer the same ones.
export const SITES_ANCHOR = 'sites';
export const THREATS_ANCHOR = 'threats';
export const siteAnchor = (siteId: string) => `site-${siteId}`;

export interface MessageLinks {
  portal: string; // the dashboard ("Open your security dashboard")
  sites: string; // "and N more sites"
  threats: string; // "Review now", "and N more threats"
  support: string;
  site: (siteId: string) => string;
}

export interface LinkBrand {
  portalUrl: string; // '' = none
  supportUrl: string; // '' = none
  supportEmail: string | null;
}

const isWebUrl = (u: string) => /^https?:\/\//i.test(u.trim());

export const hasPortal = (brand: LinkBrand) => isWebUrl(brand.portalUrl);

// `page`: the hosted page's URL for this customer (only asked for when the brand has no portal); '' gives links
// relative to the page itself (the page's own anchors).
export function messageLinks(brand: LinkBrand, page: () => string): MessageLinks {
  const home = hasPortal(brand) ? brand.portalUrl.trim().replace(/\/$/, '') : page();
  const at = (anchor: string) => `${home}#${anchor}`;
  // The support link goes to the brand's support page, else its support address, else the page (never a dead link).
  const support = isWebUrl(brand.supportUrl) ? brand.supportUrl.trim() : brand.supportEmail ? `mailto:${brand.supportEmail}` : home || `#${THREATS_ANCHOR}`;
  return { portal: home, sites: at(SITES_ANCHOR), threats: at(THREATS_ANCHOR), support, site: (id) => at(siteAnchor(id)) };
}
