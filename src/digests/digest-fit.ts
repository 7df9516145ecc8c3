import { encodedPart } from '../mail/mail-transport';
import type { DigestTemplateData } from '../templates/template-data';
import { boundedPath as middle } from './digest-content';

// Gmail clips a message over 102 KB ("[Message clipped] View entire message"), hiding the footer with the
// unsubscribe link. What counts is what is sent: the parts as encoded for SMTP (base64, see encodedPart, a third
// larger than the HTML). Whether a mail system counts the HTML part or the whole message, a digest whose two parts
// together stay under this budget is under 102 KB (102,400 bytes) with its headers and DKIM signature (~2 KB).
export const DIGEST_SIZE_BUDGET = 100_000;

// How long a domain or a path may stay once a digest is over budget: the middle goes, the start and the end stay.
const SHORT_DOMAIN = 48;
const SHORT_PATH = 64;
const SHORT_NAME = 80;

// encodedPart(type, content).length, without encoding: base64 (4 characters per 3 bytes) in lines of 76 + CRLF,
// after the part's headers. The spec holds it to encodedPart.
export function encodedSize(type: 'text/html' | 'text/plain', content: string | Buffer): number {
  const chars = 4 * Math.ceil((typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.length) / 3);
  return HEAD[type] + chars + 2 * Math.max(1, Math.ceil(chars / 76));
}
const HEAD = { 'text/html': encodedPart('text/html', '').length - 2, 'text/plain': encodedPart('text/plain', '').length - 2 };

// What a digest lists: how many sites and threats, and whether long strings are shortened.
export interface FitStep {
  sites: number;
  threats: number;
  short: boolean;
}

// The cut-down data: the first `sites` / `threats` rows (the lists are ordered most important first), "and N more"
// grown by what was left out, and, when `short`, long domains, paths and threat names shortened in the middle.
export function shrinkDigest(data: DigestTemplateData, step: FitStep): DigestTemplateData {
  const sites = data.sites.slice(0, Math.max(0, step.sites));
  const threats = data.topThreats.slice(0, Math.max(0, step.threats));
  return {
    ...data,
    sites: step.short ? sites.map((s) => ({ ...s, domain: middle(s.domain, SHORT_DOMAIN) })) : sites,
    sitesMore: data.sitesMore + data.sites.length - sites.length,
    topThreats: step.short
      ? threats.map((t) => ({ ...t, domain: middle(t.domain, SHORT_DOMAIN), path: middle(t.path, SHORT_PATH), name: middle(t.name, SHORT_NAME) }))
      : threats,
    topThreatsMore: data.topThreatsMore + data.topThreats.length - threats.length,
  };
}

// The next, smaller step after `step` rendered to `size` bytes, given the size of the digest with no rows at all
// (`fixed`): as many rows as the room left holds at the average row's size, shared between the lists in their
// current proportion, always at least one row fewer than before. null: nothing left to take away.
export function nextStep(step: FitStep, size: number, fixed: number, budget = DIGEST_SIZE_BUDGET): FitStep | null {
  const rows = step.sites + step.threats;
  if (rows === 0) return null;
  const perRow = Math.max(1, (size - fixed) / rows);
  // 3% headroom: rows differ in size, and the "and N more" lines a cut adds cost a little too.
  const fits = Math.floor((budget * 0.97 - fixed) / perRow);
  const keep = Math.max(0, Math.min(rows - 1, fits));
  const sites = Math.round((keep * step.sites) / rows);
  return { sites, threats: keep - sites, short: true };
}
