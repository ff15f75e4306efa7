import { useNavigate } from 'react-router';
import type { UpcomingItem } from '../api';
import { countdownText, daysBetween, formatDate, mandateLabel, monthLabel, urgency } from '../format';

type Marker = { key: 'today' | 'now' | 'asof'; date: string; label: string };

const WIDTH = 960;
const LABEL_W = 150;
const RIGHT_PAD = 110;
const ROW_H = 30;
const TOP = 58;

function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}
function nextMonthStart(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * Upcoming expiries on a time axis: months across, one row per mandate, a bar from the
 * "as of" date to the expiry, and vertical lines for real today and the business clock's now.
 */
export function Timeline({
  items,
  asOf,
  until,
  today,
  now,
}: {
  items: UpcomingItem[];
  asOf: string;
  until: string;
  today: string;
  now: string | null;
}) {
  const navigate = useNavigate();
  const lastExpiry = items.reduce((max, i) => (i.expiresOn > max ? i.expiresOn : max), until);
  const start = monthStart(asOf);
  const end = nextMonthStart(lastExpiry);
  const span = Math.max(1, daysBetween(start, end));
  const plotW = WIDTH - LABEL_W - RIGHT_PAD;
  const x = (date: string) => LABEL_W + (daysBetween(start, date) / span) * plotW;
  const inRange = (date: string) => date >= start && date <= end;

  const months: { date: string; label: string }[] = [];
  for (let d = start; d < end; d = nextMonthStart(d)) {
    months.push({ date: d, label: monthLabel(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1) });
  }
  const labelEvery = Math.ceil(months.length / 12);

  const markers: Marker[] = [];
  if (now && now === today) markers.push({ key: 'today', date: today, label: 'Today (clock)' });
  else {
    markers.push({ key: 'today', date: today, label: 'Today' });
    if (now) markers.push({ key: 'now', date: now, label: 'Clock now' });
  }
  if (asOf !== today && asOf !== now) markers.push({ key: 'asof', date: asOf, label: 'As of' });
  const outside = markers.filter((m) => !inRange(m.date));

  const height = TOP + items.length * ROW_H + 12;
  return (
    <figure className="timeline" data-testid="timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="group"
        aria-label={`Timeline of ${items.length} upcoming expiries from ${formatDate(start)} to ${formatDate(end)}`}
      >
        {months.map((m, i) => (
          <g key={m.date} className="month">
            <line x1={x(m.date)} x2={x(m.date)} y1={TOP - 8} y2={height - 8} className="grid" />
            {i % labelEvery === 0 && (
              <text x={x(m.date) + 3} y={TOP - 12} className="month-label">
                {m.label}
              </text>
            )}
          </g>
        ))}
        {markers.filter((m) => inRange(m.date)).map((m, i) => (
          <g key={m.key} className={`marker marker-${m.key}`} data-testid={`timeline-${m.key}`} data-date={m.date}>
            <line x1={x(m.date)} x2={x(m.date)} y1={8 + i * 14} y2={height - 8} />
            <text x={x(m.date) + 4} y={18 + i * 14}>
              {m.label}: {formatDate(m.date)}
            </text>
          </g>
        ))}
        {items.map((item, row) => {
          const y = TOP + row * ROW_H;
          const label = mandateLabel(item.mandate);
          const level = urgency(item.daysLeft);
          const ex = x(item.expiresOn);
          const bx = x(asOf > start ? asOf : start);
          const href = `/mandates/${encodeURIComponent(item.mandate.id)}`;
          return (
            <a
              key={item.mandate.id}
              href={href}
              className={`timeline-row urgency-${level}`}
              data-testid={`timeline-row-${item.mandate.id}`}
              data-mandate-id={item.mandate.id}
              aria-label={`${label}: expires ${formatDate(item.expiresOn)}, ${countdownText(item.daysLeft)}`}
              onClick={(e) => {
                if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                e.preventDefault();
                navigate(href);
              }}
            >
              <title>{`${label}${item.mandate.names.en && item.mandate.names.en !== label ? ` (${item.mandate.names.en})` : ''}: expires ${formatDate(item.expiresOn)}`}</title>
              <rect x={0} y={y} width={WIDTH} height={ROW_H} className="row-bg" />
              <text x={8} y={y + ROW_H / 2 + 5} className="row-label">
                {label.length > 18 ? `${label.slice(0, 17)}…` : label}
              </text>
              <rect x={bx} y={y + 9} width={Math.max(2, ex - bx)} height={ROW_H - 18} rx={3} className="bar" />
              <circle cx={ex} cy={y + ROW_H / 2} r={6} className="dot" />
              <text x={ex + 10} y={y + ROW_H / 2 + 5} className="row-date">
                {formatDate(item.expiresOn)}
              </text>
            </a>
          );
        })}
      </svg>
      {outside.length > 0 && (
        <figcaption className="hint" data-testid="timeline-offscale">
          Outside this range:{' '}
          {outside.map((m) => `${m.label} ${formatDate(m.date)}`).join('; ')}.
        </figcaption>
      )}
    </figure>
  );
}
