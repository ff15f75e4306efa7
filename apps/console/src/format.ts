// Pure display helpers (no React): dates, countdowns, labels, links.

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

/** `2021-06-30` → `30 June 2021` (calendar date, no time zone shift). */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** ISO instant → `1 July 2021, 09:00 UTC`. */
export function formatInstant(instant: string | null | undefined): string {
  if (!instant) return '—';
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  const iso = d.toISOString();
  return `${formatDate(iso.slice(0, 10))}, ${iso.slice(11, 16)} UTC`;
}

export function monthLabel(year: number, month: number): string {
  return `${MONTHS[month].slice(0, 3)} ${year}`;
}

/** UTC calendar date of an instant: `YYYY-MM-DD`. */
export function isoDate(instant: string | Date): string {
  return (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);
}

export function todayUtc(): string {
  return isoDate(new Date());
}

/** Days between two `YYYY-MM-DD` dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return isoDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));
}

export type Urgency = 'expired' | 'critical' | 'high' | 'medium' | 'low';

export function urgency(daysLeft: number): Urgency {
  if (daysLeft < 0) return 'expired';
  if (daysLeft <= 7) return 'critical';
  if (daysLeft <= 30) return 'high';
  if (daysLeft <= 90) return 'medium';
  return 'low';
}

export function countdownText(daysLeft: number): string {
  if (daysLeft < 0) return daysLeft === -1 ? 'Expired yesterday' : `Expired ${-daysLeft} days ago`;
  if (daysLeft === 0) return 'Last day today';
  if (daysLeft === 1) return '1 day left';
  return `${daysLeft} days left`;
}

/** Link to the official document: `https://undocs.org/S%2FRES%2F2531%20(2020)`. */
export function undocsUrl(symbol: string): string {
  return `https://undocs.org/${encodeURIComponent(symbol)}`;
}

const TYPE_LABELS: Record<string, string> = {
  peace_operation: 'Peace operation',
  special_political_mission: 'Special political mission',
  sanctions_measures: 'Sanctions measures',
  panel_of_experts: 'Panel of experts',
  authorization: 'Authorization',
  other: 'Other',
  resolution: 'Resolution',
  presidential_statement: 'Presidential statement',
};

/** `special_political_mission` → `Special political mission`. */
/**
 * The language tag for a block of document text shown as it is (import source, quotes): Chinese
 * when it is mostly written in Han characters, without kana or hangul (Chinese is the only CJK
 * language of UN documents), so that browsers pick Simplified Chinese glyphs; otherwise undefined
 * (the page's language).
 */
export function textLang(text: string | null | undefined): 'zh-Hans' | undefined {
  if (!text || /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(text)) return undefined;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return han > 0 && han >= latin ? 'zh-Hans' : undefined;
}

export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  if (TYPE_LABELS[value]) return TYPE_LABELS[value];
  const s = value.replace(/[_-]+/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Display label of a mandate: acronym, else English name, else id. */
export function mandateLabel(m: { id: string; acronym?: string | null; names?: { en?: string; zh?: string; fr?: string } }): string {
  return m.acronym || m.names?.en || m.names?.fr || m.names?.zh || m.id;
}

/** Splits `a, b; c` (or one per line) into trimmed, non-empty strings. */
export function splitList(value: string): string[] {
  return value
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function mandateIdFromStream(streamId: string): string | null {
  return streamId.startsWith('mandate-') ? streamId.slice('mandate-'.length) : null;
}

/** A `datetime-local` value read as UTC (`2021-06-01T09:00`) → ISO instant, or '' when incomplete. */
export function utcInputToIso(value: string): string {
  const d = new Date(`${value}${value.length === 16 ? ':00' : ''}Z`);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : '';
}

/** ISO instant → `datetime-local` value in UTC (`2021-06-01T09:00`), or '' when invalid. */
export function isoToUtcInput(instant: string): string {
  const d = new Date(instant);
  return instant && !Number.isNaN(d.getTime()) ? d.toISOString().slice(0, 16) : '';
}
