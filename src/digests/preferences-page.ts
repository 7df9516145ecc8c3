import type { DigestCadence } from './digest-period';

// The small page behind every digest's preferences / unsubscribe link: the brand's name, the current cadence,
// a form to change it and a button to stop. No script, no external resources.
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const LABELS: Record<DigestCadence, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly', off: 'Off (no digests)' };

export function preferencesPage(o: { brandName: string; customerName: string; cadence: DigestCadence; action: string; notice?: string; confirmUnsubscribe?: boolean }): string {
  const options = (Object.keys(LABELS) as DigestCadence[])
    .map((c) => `<label><input type="radio" name="cadence" value="${c}"${c === o.cadence ? ' checked' : ''}> ${LABELS[c]}</label>`)
    .join('<br>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(o.brandName)}: e-mail preferences</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111827}
.notice{background:#ecfdf5;border:1px solid #10b981;padding:.75rem;border-radius:.375rem}
button{font-size:1rem;padding:.5rem 1rem;margin-top:1rem;cursor:pointer}</style></head>
<body><h1>${esc(o.brandName)}</h1>
<p>Security summaries for <strong>${esc(o.customerName)}</strong>.</p>
${o.notice ? `<p class="notice" role="status">${esc(o.notice)}</p>` : ''}
${o.confirmUnsubscribe && o.cadence !== 'off' ? `<form method="post" action="${esc(o.action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe from all summaries</button></form>` : ''}
<form method="post" action="${esc(o.action)}"><fieldset><legend>How often</legend>${options}</fieldset><button type="submit">Save</button></form>
</body></html>`;
}

export function notFoundPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not valid</title></head><body><h1>This link is not valid</h1><p>Use the link from your most recent e-mail.</p></body></html>`;
}
