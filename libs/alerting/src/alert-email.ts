import Handlebars from 'handlebars';
import { ALERT_HTML_TEMPLATE, ALERT_TEXT_TEMPLATE, DIGEST_HTML_TEMPLATE, DIGEST_TEXT_TEMPLATE } from './email-templates.js';
import { formatLongDate, mandateLabel, type AlertPayload } from './payload.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const textTemplate = Handlebars.compile(ALERT_TEXT_TEMPLATE, { noEscape: true, strict: false });
const htmlTemplate = Handlebars.compile(ALERT_HTML_TEMPLATE, { strict: false });
const digestTextTemplate = Handlebars.compile(DIGEST_TEXT_TEMPLATE, { noEscape: true, strict: false });
const digestHtmlTemplate = Handlebars.compile(DIGEST_HTML_TEMPLATE, { strict: false });

/** Subject and headline per type; every fact text goes through the template (escaped in HTML). */
function headlines(p: AlertPayload): { subject: string; headline: string; detail?: string } {
  const d = p.data;
  const label = itemLabel(p);
  const expires = d.mandate?.expiresOn ? formatLongDate(d.mandate.expiresOn) : null;
  const days = (n: number | undefined) => (n === undefined ? '' : ` (${n} ${Math.abs(n) === 1 ? 'day' : 'days'})`);
  switch (p.type) {
    case 'mandate.expiry_reminder':
      return { subject: `${label} expires on ${expires}${days(d.daysLeft)}`, headline: `${label} expires on ${expires}` };
    case 'report.due': {
      const due = d.report ? formatLongDate(d.report.dueOn) : '';
      const about = d.mandate || d.agendaItem ? `on ${label}` : `requested by ${label}`;
      return { subject: `Report due on ${due} — ${label}${days(d.daysLeft)}`, headline: `A report ${about} is due on ${due}`, detail: d.report ? `${d.report.description} (${d.report.decision})` : undefined };
    }
    case 'mandate.extended':
      return { subject: `${label} extended until ${expires}`, headline: `The Security Council extended ${label} until ${expires}` };
    case 'mandate.established':
      return { subject: `${label} established${expires ? `, until ${expires}` : ''}`, headline: `The Security Council established ${label}` };
    case 'mandate.terminated':
      return { subject: `${label} terminated on ${expires}`, headline: `The Security Council terminated ${label}; its last day is ${expires}` };
    case 'mandate.expired':
      return { subject: `${label} expired on ${expires}`, headline: `${label} expired on ${expires}: no renewal was recorded` };
    case 'subscription.confirmation':
      return { subject: 'Confirm your Mandate Watch subscription', headline: 'Please confirm your Mandate Watch subscription', detail: 'Nothing will be sent until you confirm.' };
    default:
      return { subject: 'Mandate Watch test message', headline: 'This is a test message from Mandate Watch', detail: 'Your subscription reaches you.' };
  }
}

/** What the templates show of one alert (alone, or as an entry of a digest). */
function alertView(payload: AlertPayload) {
  const { subject, headline, detail } = headlines(payload);
  const m = payload.data.mandate;
  return {
    subject,
    headline,
    detail,
    mandateName: m?.names.en ?? m?.id,
    acronym: m?.acronym && m.acronym !== m.names.en ? m.acronym : undefined,
    expiresOn: m?.expiresOn ? formatLongDate(m.expiresOn) : undefined,
    daysLeft: payload.data.daysLeft,
    decision: payload.data.decision ? { symbol: payload.data.decision.symbol, adoptedOn: formatLongDate(payload.data.decision.adoptedOn) } : undefined,
    consoleUrl: payload.data.consoleUrl,
  };
}

/**
 * The weekly digest (text + HTML): every alert it carries, each with the line it would have had as
 * a subject on its own. The subject counts them and names the first mandates.
 */
export function renderDigestEmail(payload: AlertPayload, links: { unsubscribeUrl: string }, opts: { late?: boolean } = {}): RenderedEmail {
  const items = payload.data.items ?? [];
  const week = formatLongDate(payload.data.weekOf ?? payload.timestamp.slice(0, 10));
  const labels = [...new Set(items.map((i) => itemLabel(i)))];
  const named = labels.length > 3 ? `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more` : labels.join(', ');
  const count = `${items.length} ${items.length === 1 ? 'alert' : 'alerts'}`;
  const subject = `Mandate Watch weekly digest, ${week}: ${count} (${named})`;
  const view = {
    subject,
    headline: `Your Mandate Watch alerts for the week of ${week}: ${count}`,
    items: items.map((item, i) => {
      const v = alertView(item);
      return { ...v, number: i + 1, title: v.subject };
    }),
    late: opts.late,
    dueOn: payload.timestamp.slice(0, 10),
    unsubscribeUrl: links.unsubscribeUrl,
  };
  return { subject, text: digestTextTemplate(view), html: digestHtmlTemplate(view) };
}

/** The email of one alert (text + HTML) from its stored payload. */
export function renderAlertEmail(payload: AlertPayload, links: { unsubscribeUrl: string }, opts: { late?: boolean } = {}): RenderedEmail {
  const view = {
    ...alertView(payload),
    confirmUrl: payload.data.confirmUrl,
    late: opts.late,
    dueOn: payload.timestamp.slice(0, 10),
    unsubscribeUrl: links.unsubscribeUrl,
  };
  return { subject: view.subject, text: textTemplate(view), html: htmlTemplate(view) };
}

/** What an alert is about: the mandate, else (a report asked for under an agenda item) the agenda item, else the decision. */
function itemLabel(p: AlertPayload): string {
  const d = p.data;
  if (d.mandate || !(d.agendaItem || d.report)) return mandateLabel(d.mandate);
  return d.agendaItem ? (d.agendaItem.names.en ?? d.agendaItem.id) : d.report!.decision;
}
