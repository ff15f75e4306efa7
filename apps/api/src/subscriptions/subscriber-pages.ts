/** Minimal HTML pages for subscribers following links from emails (no login, no scripts). */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} — Mandate Watch</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;

/** The unsubscribe confirmation: a button that POSTs to the same URL (link scanners only GET). */
export function unsubscribeForm(action: string, what: string): string {
  return `${paragraph(`Stop Mandate Watch alerts to ${what}?`)}
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`;
}
