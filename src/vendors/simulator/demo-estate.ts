import type { SimulatedSite } from './simulator-stream';

// The hosting estate the built-in simulator reports on, so that a newcomer sees digests and rules work with no
// vendor account. Site domains use the reserved .example TLD (RFC 2606) so that links in demo digests lead nowhere
// real; customer emails are at example.com/example.org for the same reason.

export interface DemoSite {
  domains: string[]; // the first one is what the agent reports
  server: string;
  accountUser: string; // cPanel-style: lowercase, at most 8 characters
  vendorSiteId: string;
}

export interface DemoCustomer {
  externalRef: string; // WHMCS client id
  name: string;
  emails: string[];
  locale: string;
  timeZone: string;
  sites: DemoSite[];
}

export const DEMO_SERVERS = ['web01.demo-hosting.test', 'web02.demo-hosting.test', 'web03.demo-hosting.test'] as const;
const [WEB01, WEB02, WEB03] = DEMO_SERVERS;

const site = (server: string, accountUser: string, vendorSiteId: string, ...domains: string[]): DemoSite => ({
  domains,
  server,
  accountUser,
  vendorSiteId,
});

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    externalRef: '1001',
    name: 'Bäckerei Müller GmbH',
    emails: ['anna.mueller@example.com'],
    locale: 'de',
    timeZone: 'Europe/Berlin',
    sites: [
      site(WEB01, 'baeckmue', 'mxs-10011', 'baeckerei-mueller.example', 'www.baeckerei-mueller.example'),
      site(WEB01, 'baeckshp', 'mxs-10012', 'shop.baeckerei-mueller.example'),
    ],
  },
  {
    externalRef: '1002',
    name: 'Green Leaf Landscaping LLC',
    emails: ['office@example.com', 'billing.greenleaf@example.org'],
    locale: 'en-US',
    timeZone: 'America/New_York',
    sites: [
      site(WEB02, 'greenlea', 'mxs-10021', 'greenleaf-landscaping.example', 'www.greenleaf-landscaping.example'),
      site(WEB02, 'glblog', 'mxs-10022', 'blog.greenleaf-landscaping.example'),
      site(WEB03, 'glquote', 'mxs-10023', 'quotes.greenleaf-landscaping.example'),
    ],
  },
  {
    externalRef: '1003',
    name: 'Atelier Lumière',
    emails: ['claire.dubois@example.org'],
    locale: 'fr',
    timeZone: 'Europe/Paris',
    sites: [
      site(WEB01, 'atlumier', 'mxs-10031', 'atelier-lumiere.example', 'www.atelier-lumiere.example'),
      site(WEB03, 'atlboutq', 'mxs-10032', 'boutique.atelier-lumiere.example'),
    ],
  },
  {
    externalRef: '1004',
    name: 'Taller Mecánico Ruiz',
    emails: ['javier.ruiz@example.com'],
    locale: 'es',
    timeZone: 'Europe/Madrid',
    sites: [
      site(WEB02, 'tallruiz', 'mxs-10041', 'taller-ruiz.example', 'www.taller-ruiz.example'),
      site(WEB02, 'ruizcita', 'mxs-10042', 'citas.taller-ruiz.example'),
    ],
  },
  {
    externalRef: '1005',
    name: 'Fietsenwinkel De Vries',
    emails: ['pieter@example.org', 'administratie@example.org'],
    locale: 'nl',
    timeZone: 'Europe/Amsterdam',
    sites: [
      site(WEB03, 'fietsdv', 'mxs-10051', 'fietsen-devries.example', 'www.fietsen-devries.example'),
      site(WEB03, 'fdvverh', 'mxs-10052', 'verhuur.fietsen-devries.example'),
    ],
  },
  {
    externalRef: '1006',
    name: 'Kiwi Coast Surf School',
    emails: ['kia.ora@example.com'],
    locale: 'en-NZ',
    timeZone: 'Pacific/Auckland',
    sites: [
      site(WEB01, 'kiwisurf', 'mxs-10061', 'kiwicoastsurf.example', 'www.kiwicoastsurf.example'),
      site(WEB01, 'kcsbook', 'mxs-10062', 'book.kiwicoastsurf.example'),
      site(WEB02, 'kcsshop', 'mxs-10063', 'shop.kiwicoastsurf.example'),
    ],
  },
  {
    externalRef: '1007',
    name: 'Harbor Dental Care',
    emails: ['frontdesk@example.com'],
    locale: 'en-US',
    timeZone: 'America/Chicago',
    sites: [
      site(WEB02, 'harbordc', 'mxs-10071', 'harbordentalcare.example', 'www.harbordentalcare.example'),
      site(WEB03, 'hdcpatnt', 'mxs-10072', 'patients.harbordentalcare.example'),
    ],
  },
  {
    externalRef: '1008',
    name: 'Weingut Schäfer',
    emails: ['info.schaefer@example.org'],
    locale: 'de-AT',
    timeZone: 'Europe/Vienna',
    sites: [
      site(WEB01, 'weinscha', 'mxs-10081', 'weingut-schaefer.example', 'www.weingut-schaefer.example'),
      site(WEB03, 'wsshop', 'mxs-10082', 'shop.weingut-schaefer.example'),
    ],
  },
  {
    externalRef: '1009',
    name: 'Panadería La Esperanza',
    emails: ['pedidos@example.com'],
    locale: 'es-MX',
    timeZone: 'America/Mexico_City',
    sites: [
      site(WEB02, 'panesper', 'mxs-10091', 'panaderia-esperanza.example', 'www.panaderia-esperanza.example'),
      site(WEB02, 'pleped', 'mxs-10092', 'pedidos.panaderia-esperanza.example'),
      site(WEB03, 'plerecet', 'mxs-10093', 'recetas.panaderia-esperanza.example'),
    ],
  },
  {
    externalRef: '1010',
    name: 'Maple Street Books',
    emails: ['hello@example.org'],
    locale: 'en-CA',
    timeZone: 'America/Toronto',
    sites: [
      site(WEB03, 'maplebks', 'mxs-10101', 'maplestreetbooks.example', 'www.maplestreetbooks.example'),
      site(WEB03, 'msbevent', 'mxs-10102', 'events.maplestreetbooks.example'),
      site(WEB01, 'msbclub', 'mxs-10103', 'bookclub.maplestreetbooks.example'),
    ],
  },
  {
    externalRef: '1011',
    name: 'Studio Bloem',
    emails: ['sanne@example.com'],
    locale: 'nl-BE',
    timeZone: 'Europe/Brussels',
    sites: [
      site(WEB01, 'stbloem', 'mxs-10111', 'studiobloem.example', 'www.studiobloem.example'),
      site(WEB02, 'sbportf', 'mxs-10112', 'portfolio.studiobloem.example'),
    ],
  },
  {
    // A small agency reselling hosting: one customer, several of its clients' sites.
    externalRef: '1012',
    name: 'Northwind Web Agency Ltd',
    emails: ['support@example.com', 'accounts.northwind@example.org'],
    locale: 'en-GB',
    timeZone: 'Europe/London',
    sites: [
      site(WEB01, 'northwnd', 'mxs-10121', 'northwind-web.example', 'www.northwind-web.example'),
      site(WEB02, 'nwcafe', 'mxs-10122', 'corner-cafe.example', 'www.corner-cafe.example'),
      site(WEB02, 'nwplumb', 'mxs-10123', 'ace-plumbing.example', 'www.ace-plumbing.example'),
      site(WEB03, 'nwyoga', 'mxs-10124', 'lotus-yoga.example', 'www.lotus-yoga.example'),
      site(WEB03, 'nwstage', 'mxs-10125', 'staging.northwind-web.example'),
    ],
  },
];

// The estate as the simulator sees it: one agent-reported domain per hosting account.
export function demoSites(customers: readonly DemoCustomer[] = DEMO_CUSTOMERS): SimulatedSite[] {
  return customers.flatMap((c) =>
    c.sites.map((s) => ({ server: s.server, accountUser: s.accountUser, domain: s.domains[0], vendorSiteId: s.vendorSiteId })),
  );
}
