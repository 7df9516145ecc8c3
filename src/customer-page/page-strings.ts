import type { LinkProblem, Protection } from './page-html';

// The customer page's words in the locales the shipped mail templates have (en, de, fr, es, nl), so that a customer
// who follows a German digest reads a German page. {name} placeholders; `count` picks the plural form.
export type Plural = { one: string; other: string };

export interface PageStrings {
  title: string; heading: string; asOf: string; fromDigest: string; periodDetections: Plural; below: string;
  openThreats: Plural; cleanedIn: string; sites: Plural; notProtected: Plural;
  threatsHeading: string; noOpen: string; openIntro: string; topOf: string;
  threat: string; on: string; notLinked: string; noPath: string; seen: string; events: Plural;
  sitesHeading: string; noSites: string; siteOpen: Plural; siteCleaned: Plural; moreOpen: Plural; cleanedHeading: string; more: Plural; sitesMore: Plural;
  support: string;
  protection: Record<Protection, string>;
  action: Record<'cleanup' | 'quarantine' | 'file_deleted' | 'process_killed' | 'process_blocked', string>;
  severity: Record<'critical' | 'high' | 'medium' | 'low' | 'info', string>;
  problems: Record<LinkProblem, [string, string]>;
}

const same = (s: string): Plural => ({ one: s, other: s });

const en: PageStrings = {
  title: '{brand}: security status', heading: 'Security status of {customer}', asOf: 'As of {time} ({zone})',
  fromDigest: 'You came here from your security summary for {period}.',
  periodDetections: { one: '{count} detection was recorded in that period.', other: '{count} detections were recorded in that period.' },
  below: 'Below is the current state of your sites.',
  openThreats: { one: 'open threat', other: 'open threats' }, cleanedIn: 'cleaned in {month}', sites: { one: 'site', other: 'sites' },
  notProtected: same('{count} not protected'),
  threatsHeading: 'Open threats', noOpen: 'No open threats were found in the last {days} days.',
  openIntro: 'Threats found in the last {days} days that have not been cleaned yet, most severe first.',
  topOf: 'The {shown} most severe of {total} open threats; each site below shows its own.',
  threat: 'Threat', on: 'on {site}', notLinked: 'not linked to a site', noPath: '(no path)', seen: 'First seen {first}, last seen {last}',
  events: { one: '{count} event', other: '{count} events' },
  sitesHeading: 'Your sites', noSites: 'No sites are registered yet.',
  siteOpen: { one: '{count} open threat', other: '{count} open threats' },
  siteCleaned: { one: '{count} threat cleaned in {month}', other: '{count} threats cleaned in {month}' },
  moreOpen: { one: 'and {count} more open threat', other: 'and {count} more open threats' }, cleanedHeading: 'Cleaned in {month}',
  more: same('and {count} more'),
  sitesMore: { one: '{count} more site without open threats is not listed.', other: '{count} more sites without open threats are not listed.' },
  support: 'Support',
  protection: { protected: 'Protected', partial: 'Monitoring only', unprotected: 'Not protected', unknown: 'No recent data' },
  action: { cleanup: 'Cleaned', quarantine: 'Quarantined', file_deleted: 'Deleted', process_killed: 'Process stopped', process_blocked: 'Process blocked' },
  severity: { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' },
  problems: {
    invalid: ['This link is not valid', 'Check that the whole link was copied, or use the link in your most recent security summary.'],
    expired: ['This link has expired', 'Links to this page work for a limited time. Use the link in your most recent security summary.'],
    revoked: ['This link is no longer valid', 'Your provider has replaced the links to this page. Use the link in your most recent security summary.'],
  },
};

const de: PageStrings = {
  title: '{brand}: Sicherheitsstatus', heading: 'Sicherheitsstatus von {customer}', asOf: 'Stand: {time} ({zone})',
  fromDigest: 'Sie kommen aus Ihrer Sicherheitsübersicht für {period}.',
  periodDetections: { one: 'In diesem Zeitraum gab es {count} Fund.', other: 'In diesem Zeitraum gab es {count} Funde.' },
  below: 'Hier sehen Sie den aktuellen Stand Ihrer Websites.',
  openThreats: { one: 'offene Bedrohung', other: 'offene Bedrohungen' }, cleanedIn: 'bereinigt im {month}', sites: { one: 'Website', other: 'Websites' },
  notProtected: same('{count} nicht geschützt'),
  threatsHeading: 'Offene Bedrohungen', noOpen: 'In den letzten {days} Tagen wurden keine offenen Bedrohungen gefunden.',
  openIntro: 'Bedrohungen der letzten {days} Tage, die noch nicht bereinigt sind, die schwersten zuerst.',
  topOf: 'Die {shown} schwersten von {total} offenen Bedrohungen; jede Website unten zeigt ihre eigenen.',
  threat: 'Bedrohung', on: 'auf {site}', notLinked: 'keiner Website zugeordnet', noPath: '(kein Pfad)', seen: 'Zuerst gesehen {first}, zuletzt {last}',
  events: { one: '{count} Ereignis', other: '{count} Ereignisse' },
  sitesHeading: 'Ihre Websites', noSites: 'Es sind noch keine Websites eingetragen.',
  siteOpen: { one: '{count} offene Bedrohung', other: '{count} offene Bedrohungen' },
  siteCleaned: { one: '{count} Bedrohung bereinigt im {month}', other: '{count} Bedrohungen bereinigt im {month}' },
  moreOpen: { one: 'und {count} weitere offene Bedrohung', other: 'und {count} weitere offene Bedrohungen' }, cleanedHeading: 'Bereinigt im {month}',
  more: same('und {count} weitere'),
  sitesMore: { one: '{count} weitere Website ohne offene Bedrohungen ist nicht aufgeführt.', other: '{count} weitere Websites ohne offene Bedrohungen sind nicht aufgeführt.' },
  support: 'Support',
  protection: { protected: 'Geschützt', partial: 'Nur Überwachung', unprotected: 'Nicht geschützt', unknown: 'Keine aktuellen Daten' },
  action: { cleanup: 'Bereinigt', quarantine: 'In Quarantäne', file_deleted: 'Gelöscht', process_killed: 'Prozess beendet', process_blocked: 'Prozess blockiert' },
  severity: { critical: 'Kritisch', high: 'Hoch', medium: 'Mittel', low: 'Niedrig', info: 'Info' },
  problems: {
    invalid: ['Dieser Link ist ungültig', 'Prüfen Sie, ob der ganze Link kopiert wurde, oder verwenden Sie den Link aus Ihrer neuesten Sicherheitsübersicht.'],
    expired: ['Dieser Link ist abgelaufen', 'Links zu dieser Seite gelten nur für begrenzte Zeit. Verwenden Sie den Link aus Ihrer neuesten Sicherheitsübersicht.'],
    revoked: ['Dieser Link gilt nicht mehr', 'Ihr Anbieter hat die Links zu dieser Seite ersetzt. Verwenden Sie den Link aus Ihrer neuesten Sicherheitsübersicht.'],
  },
};

const fr: PageStrings = {
  title: '{brand} : état de sécurité', heading: 'État de sécurité de {customer}', asOf: 'Au {time} ({zone})',
  fromDigest: 'Vous arrivez depuis votre synthèse de sécurité pour {period}.',
  periodDetections: { one: '{count} détection a été enregistrée sur cette période.', other: '{count} détections ont été enregistrées sur cette période.' },
  below: 'Voici l’état actuel de vos sites.',
  openThreats: { one: 'menace en attente', other: 'menaces en attente' }, cleanedIn: 'nettoyées en {month}', sites: { one: 'site', other: 'sites' },
  notProtected: { one: '{count} non protégé', other: '{count} non protégés' },
  threatsHeading: 'Menaces en attente', noOpen: 'Aucune menace en attente n’a été trouvée ces {days} derniers jours.',
  openIntro: 'Menaces trouvées ces {days} derniers jours et pas encore nettoyées, les plus graves d’abord.',
  topOf: 'Les {shown} plus graves des {total} menaces en attente ; chaque site ci-dessous affiche les siennes.',
  threat: 'Menace', on: 'sur {site}', notLinked: 'non rattachée à un site', noPath: '(aucun chemin)', seen: 'Vue pour la première fois le {first}, dernière fois le {last}',
  events: { one: '{count} événement', other: '{count} événements' },
  sitesHeading: 'Vos sites', noSites: 'Aucun site n’est encore enregistré.',
  siteOpen: { one: '{count} menace en attente', other: '{count} menaces en attente' },
  siteCleaned: { one: '{count} menace nettoyée en {month}', other: '{count} menaces nettoyées en {month}' },
  moreOpen: { one: 'et {count} autre menace en attente', other: 'et {count} autres menaces en attente' }, cleanedHeading: 'Nettoyé en {month}',
  more: { one: 'et {count} autre', other: 'et {count} autres' },
  sitesMore: { one: '{count} autre site sans menace en attente n’est pas listé.', other: '{count} autres sites sans menace en attente ne sont pas listés.' },
  support: 'Assistance',
  protection: { protected: 'Protégé', partial: 'Surveillance seule', unprotected: 'Non protégé', unknown: 'Pas de données récentes' },
  action: { cleanup: 'Nettoyé', quarantine: 'Mis en quarantaine', file_deleted: 'Supprimé', process_killed: 'Processus arrêté', process_blocked: 'Processus bloqué' },
  severity: { critical: 'Critique', high: 'Élevée', medium: 'Moyenne', low: 'Faible', info: 'Info' },
  problems: {
    invalid: ['Ce lien n’est pas valide', 'Vérifiez que le lien a été copié en entier, ou utilisez le lien de votre dernière synthèse de sécurité.'],
    expired: ['Ce lien a expiré', 'Les liens vers cette page ne fonctionnent que pendant un temps limité. Utilisez le lien de votre dernière synthèse de sécurité.'],
    revoked: ['Ce lien n’est plus valide', 'Votre fournisseur a remplacé les liens vers cette page. Utilisez le lien de votre dernière synthèse de sécurité.'],
  },
};

const es: PageStrings = {
  title: '{brand}: estado de seguridad', heading: 'Estado de seguridad de {customer}', asOf: 'A fecha de {time} ({zone})',
  fromDigest: 'Viene de su resumen de seguridad de {period}.',
  periodDetections: { one: 'En ese periodo se registró {count} detección.', other: 'En ese periodo se registraron {count} detecciones.' },
  below: 'A continuación, el estado actual de sus sitios.',
  openThreats: { one: 'amenaza pendiente', other: 'amenazas pendientes' }, cleanedIn: 'limpiadas en {month}', sites: { one: 'sitio', other: 'sitios' },
  notProtected: same('{count} sin protección'),
  threatsHeading: 'Amenazas pendientes', noOpen: 'No se han encontrado amenazas pendientes en los últimos {days} días.',
  openIntro: 'Amenazas encontradas en los últimos {days} días que aún no se han limpiado, las más graves primero.',
  topOf: 'Las {shown} más graves de {total} amenazas pendientes; cada sitio muestra las suyas más abajo.',
  threat: 'Amenaza', on: 'en {site}', notLinked: 'sin sitio asociado', noPath: '(sin ruta)', seen: 'Vista por primera vez el {first}, por última vez el {last}',
  events: { one: '{count} evento', other: '{count} eventos' },
  sitesHeading: 'Sus sitios', noSites: 'Todavía no hay sitios registrados.',
  siteOpen: { one: '{count} amenaza pendiente', other: '{count} amenazas pendientes' },
  siteCleaned: { one: '{count} amenaza limpiada en {month}', other: '{count} amenazas limpiadas en {month}' },
  moreOpen: { one: 'y {count} amenaza pendiente más', other: 'y {count} amenazas pendientes más' }, cleanedHeading: 'Limpiado en {month}',
  more: same('y {count} más'),
  sitesMore: { one: '{count} sitio más sin amenazas pendientes no aparece en la lista.', other: '{count} sitios más sin amenazas pendientes no aparecen en la lista.' },
  support: 'Soporte',
  protection: { protected: 'Protegido', partial: 'Solo supervisión', unprotected: 'Sin protección', unknown: 'Sin datos recientes' },
  action: { cleanup: 'Limpiado', quarantine: 'En cuarentena', file_deleted: 'Eliminado', process_killed: 'Proceso detenido', process_blocked: 'Proceso bloqueado' },
  severity: { critical: 'Crítica', high: 'Alta', medium: 'Media', low: 'Baja', info: 'Info' },
  problems: {
    invalid: ['Este enlace no es válido', 'Compruebe que ha copiado el enlace completo o use el enlace de su resumen de seguridad más reciente.'],
    expired: ['Este enlace ha caducado', 'Los enlaces a esta página solo funcionan durante un tiempo limitado. Use el enlace de su resumen de seguridad más reciente.'],
    revoked: ['Este enlace ya no es válido', 'Su proveedor ha sustituido los enlaces a esta página. Use el enlace de su resumen de seguridad más reciente.'],
  },
};

const nl: PageStrings = {
  title: '{brand}: beveiligingsstatus', heading: 'Beveiligingsstatus van {customer}', asOf: 'Stand van {time} ({zone})',
  fromDigest: 'U komt uit uw beveiligingsoverzicht voor {period}.',
  periodDetections: { one: 'In die periode is {count} detectie geregistreerd.', other: 'In die periode zijn {count} detecties geregistreerd.' },
  below: 'Hieronder ziet u de huidige stand van uw websites.',
  openThreats: { one: 'openstaande dreiging', other: 'openstaande dreigingen' }, cleanedIn: 'opgeschoond in {month}', sites: { one: 'website', other: 'websites' },
  notProtected: same('{count} niet beschermd'),
  threatsHeading: 'Openstaande dreigingen', noOpen: 'In de afgelopen {days} dagen zijn geen openstaande dreigingen gevonden.',
  openIntro: 'Dreigingen uit de afgelopen {days} dagen die nog niet zijn opgeschoond, de ernstigste eerst.',
  topOf: 'De {shown} ernstigste van {total} openstaande dreigingen; elke website hieronder toont de eigen dreigingen.',
  threat: 'Dreiging', on: 'op {site}', notLinked: 'niet aan een website gekoppeld', noPath: '(geen pad)', seen: 'Voor het eerst gezien {first}, laatst {last}',
  events: { one: '{count} gebeurtenis', other: '{count} gebeurtenissen' },
  sitesHeading: 'Uw websites', noSites: 'Er zijn nog geen websites geregistreerd.',
  siteOpen: { one: '{count} openstaande dreiging', other: '{count} openstaande dreigingen' },
  siteCleaned: { one: '{count} dreiging opgeschoond in {month}', other: '{count} dreigingen opgeschoond in {month}' },
  moreOpen: { one: 'en nog {count} openstaande dreiging', other: 'en nog {count} openstaande dreigingen' }, cleanedHeading: 'Opgeschoond in {month}',
  more: same('en nog {count}'),
  sitesMore: { one: 'Nog {count} website zonder openstaande dreigingen staat niet in de lijst.', other: 'Nog {count} websites zonder openstaande dreigingen staan niet in de lijst.' },
  support: 'Ondersteuning',
  protection: { protected: 'Beschermd', partial: 'Alleen bewaking', unprotected: 'Niet beschermd', unknown: 'Geen recente gegevens' },
  action: { cleanup: 'Opgeschoond', quarantine: 'In quarantaine', file_deleted: 'Verwijderd', process_killed: 'Proces gestopt', process_blocked: 'Proces geblokkeerd' },
  severity: { critical: 'Kritiek', high: 'Hoog', medium: 'Gemiddeld', low: 'Laag', info: 'Info' },
  problems: {
    invalid: ['Deze link is niet geldig', 'Controleer of de hele link is gekopieerd, of gebruik de link uit uw meest recente beveiligingsoverzicht.'],
    expired: ['Deze link is verlopen', 'Links naar deze pagina werken maar een beperkte tijd. Gebruik de link uit uw meest recente beveiligingsoverzicht.'],
    revoked: ['Deze link is niet meer geldig', 'Uw provider heeft de links naar deze pagina vervangen. Gebruik de link uit uw meest recente beveiligingsoverzicht.'],
  },
};

export const STRINGS: Record<string, PageStrings> = { en, de, fr, es, nl };

// "de-AT" → de; a locale without strings → en.
export function pageLocale(locale: string | null | undefined): string {
  const base = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return Object.prototype.hasOwnProperty.call(STRINGS, base) ? base : 'en';
}

export const pageStrings = (lang: string): PageStrings => STRINGS[lang] ?? en;

const plurals = new Map<string, Intl.PluralRules>();

// The string with {name} replaced; values are inserted as given (the caller escapes them for HTML).
export function say(lang: string, s: string | Plural, vars: Record<string, string | number> = {}): string {
  let form: string;
  if (typeof s === 'string') form = s;
  else {
    let rules = plurals.get(lang);
    if (!rules) plurals.set(lang, (rules = new Intl.PluralRules(lang)));
    form = rules.select(Number(vars.count ?? 0)) === 'one' ? s.one : s.other;
  }
  return form.replace(/\{(\w+)\}/g, (all, name: string) => {
    const v = vars[name];
    return v === undefined ? all : typeof v === 'number' ? v.toLocaleString(lang) : v;
  });
}
