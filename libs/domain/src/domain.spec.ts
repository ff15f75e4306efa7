import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysLeft,
  effectiveDateOf,
  factEvent,
  foldMandate,
  isIsoDate,
  mandateTimeline,
  mandateView,
  normalizeSymbol,
  parseEventData,
  parseStreamId,
  slugify,
  streamIds,
  type FoldableEvent,
} from './index.js';

describe('symbols', () => {
  it.each([
    ['S/RES/2531(2020)', 'S/RES/2531 (2020)'],
    ['S/RES/2531 (2020)', 'S/RES/2531 (2020)'],
    ['s/res/2531 ( 2020 )', 'S/RES/2531 (2020)'],
    ['resolution 2531 (2020)', 'S/RES/2531 (2020)'],
    ['Resolution 2531(2020)', 'S/RES/2531 (2020)'],
    ['第 2531(2020)号决议', 'S/RES/2531 (2020)'],
    ['第２５３１（２０２０）号决议', 'S/RES/2531 (2020)'],
    ['S/PRST/2020/10', 'S/PRST/2020/10'],
    ['S/PV.8703', 'S/PV.8703'],
    ['S/PV. 8703', 'S/PV.8703'],
    ['S/2020/613', 'S/2020/613'],
  ])('%s → %s', (input, canonical) => {
    expect(normalizeSymbol(input)).toBe(canonical);
  });

  it.each(['', 'S/RES/', 'hello', 'S/RES/2531', '<script>', 'S/2020/abc'])('rejects %j', (input) => {
    expect(normalizeSymbol(input)).toBeNull();
  });
});

describe('ids', () => {
  it('makes stream ids in [a-z0-9-]', () => {
    expect(streamIds.decision('S/RES/2531 (2020)')).toBe('decision-s-res-2531-2020');
    expect(streamIds.meeting(slugify('S/PV.8703'))).toBe('meeting-s-pv-8703');
    expect(streamIds.mandate('minusma')).toBe('mandate-minusma');
    expect(parseStreamId('mandate-mali-panel-of-experts')).toEqual({ kind: 'mandate', key: 'mali-panel-of-experts' });
    expect(parseStreamId('Mandate_X')).toBeNull();
  });

  it('derives the same event id for the same fact whatever its source', () => {
    const a = parseEventData('MandateExtended', { mandateId: 'minusma', until: '2021-06-30', decision: 'S/RES/2531(2020)' });
    const b = parseEventData('MandateExtended', { mandateId: 'minusma', until: '2021-06-30', decision: '第 2531(2020)号决议', paragraphs: ['16'] });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(factEvent('MandateExtended', a.data).id).toBe(factEvent('MandateExtended', b.data).id);
    expect(factEvent('MandateExtended', a.data).streamId).toBe('mandate-minusma');
  });
});

describe('event schemas', () => {
  it('names each bad field', () => {
    const r = parseEventData('MandateExtended', { mandateId: 'MINUSMA!', until: '2021-02-30', decision: 'nope' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual(['decision', 'mandateId', 'until']);
  });

  it('knows effective dates', () => {
    expect(effectiveDateOf('MandateExtended', { adoptedOn: '2020-06-29' })).toBe('2020-06-29');
    expect(effectiveDateOf('MandateExtended', {})).toBeNull();
  });
});

describe('calendar days', () => {
  it('counts days left', () => {
    expect(daysLeft('2021-06-30', '2021-06-01')).toBe(29);
    expect(daysLeft('2021-03-01', '2020-03-01')).toBe(365);
    expect(addDays('2020-02-28', 1)).toBe('2020-02-29');
    expect(isIsoDate('2021-02-29')).toBe(false);
    expect(isIsoDate('2020-02-29')).toBe(true);
  });
});

describe('mandate fold', () => {
  let v = 0;
  const ev = (type: string, data: Record<string, unknown>, occurredOn: string | null, recordedAt = '2026-01-01T00:00:00.000Z'): FoldableEvent => ({
    id: `00000000-0000-4000-8000-${String(++v).padStart(12, '0')}`,
    type,
    data,
    occurredOn,
    recordedAt,
    version: v,
  });

  const minusma = () => {
    v = 0;
    return [
      ev('MandateEstablished', { mandateId: 'minusma', acronym: 'MINUSMA', names: { en: 'United Nations Multidimensional Integrated Stabilization Mission in Mali', zh: '联合国马里多层面综合稳定团' }, aliases: ['马里稳定团'], type: 'peace_operation', agendaItem: 'situation-in-mali', establishedOn: '2013-04-25', expiresOn: '2020-06-30', establishedBy: 'S/RES/2100 (2013)' }, '2013-04-25'),
      ev('MandateExtended', { mandateId: 'minusma', until: '2021-06-30', decision: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29', paragraphs: ['16', '18'] }, '2020-06-29', '2026-01-02T00:00:00.000Z'),
    ];
  };

  it('gives the expiry as of a date by adoption date', () => {
    const s = foldMandate('minusma', minusma());
    expect(mandateView(s, { asOf: '2020-01-01' }).expiresOn).toBe('2020-06-30');
    expect(mandateView(s, { asOf: '2020-06-28' }).expiresOn).toBe('2020-06-30');
    const after = mandateView(s, { asOf: '2021-06-01' });
    expect(after.expiresOn).toBe('2021-06-30');
    expect(after.status).toBe('active');
    expect(after.lastDecision).toEqual({ symbol: 'S/RES/2531 (2020)', adoptedOn: '2020-06-29' });
    expect(after.history.map((h) => [h.kind, h.from, h.until, h.decision])).toEqual([
      ['established', '2013-04-25', '2020-06-30', 'S/RES/2100 (2013)'],
      ['extended', '2020-07-01', '2021-06-30', 'S/RES/2531 (2020)'],
    ]);
    expect(mandateView(s, { asOf: '2021-07-01' }).status).toBe('expired');
    expect(mandateView(s, { asOf: '2013-01-01' }).status).toBe('not_established');
  });

  it('as known at an instant, with corrections', () => {
    const events = minusma();
    const extension = events[1];
    events.push(ev('FactCorrected', { correctsEventId: extension.id, fields: { until: '2021-07-31' } }, null, '2026-01-03T00:00:00.000Z'));
    const s = foldMandate('minusma', events);
    expect(mandateView(s, { asOf: '2021-06-01' }).expiresOn).toBe('2021-07-31');
    expect(mandateView(s, { asOf: '2021-06-01', knownAt: '2026-01-02T12:00:00.000Z' }).expiresOn).toBe('2021-06-30');
    expect(mandateView(s, { asOf: '2021-06-01', knownAt: '2026-01-01T12:00:00.000Z' }).expiresOn).toBe('2020-06-30');
  });

  it('a termination ends the mandate on its last day', () => {
    const events = minusma();
    events.push(ev('MandateTerminated', { mandateId: 'minusma', on: '2023-12-31', decision: 'S/RES/2690 (2023)', adoptedOn: '2023-06-30' }, '2023-06-30'));
    const s = foldMandate('minusma', events);
    expect(mandateView(s, { asOf: '2023-07-01' })).toMatchObject({ status: 'active', expiresOn: '2023-12-31', terminatedOn: '2023-12-31' });
    expect(mandateView(s, { asOf: '2024-01-01' }).status).toBe('terminated');
    expect(mandateTimeline(s).map((t) => t.kind)).toEqual(['established', 'extended', 'terminated']);
  });

  it('an undated extension recorded after a later renewal never shortens the mandate', () => {
    // BINUH: 2547 (2020) extended it to 2021-07-15; a press release without a dateline, imported
    // in 2026 after 2600 (2021) was recorded, gives no adoption date: it takes the recording date.
    v = 0;
    const binuh = [
      ev('MandateEstablished', { mandateId: 'binuh', acronym: 'BINUH', names: { en: 'United Nations Integrated Office in Haiti' }, aliases: [], type: 'special_political_mission', agendaItem: null, establishedOn: '2019-06-25', expiresOn: '2020-10-15', establishedBy: 'S/RES/2476 (2019)' }, '2019-06-25'),
      ev('MandateExtended', { mandateId: 'binuh', until: '2022-07-15', decision: 'S/RES/2600 (2021)', adoptedOn: '2021-10-15' }, '2021-10-15'),
      ev('MandateExtended', { mandateId: 'binuh', until: '2021-07-15', decision: 'S/RES/2547 (2020)' }, '2026-11-26'),
    ];
    const s = foldMandate('binuh', binuh);
    const now = mandateView(s, { asOf: '2026-11-26' });
    expect(now.expiresOn).toBe('2022-07-15');
    expect(now.lastDecision).toEqual({ symbol: 'S/RES/2600 (2021)', adoptedOn: '2021-10-15' });
    // Still in the history, as recorded, without a period of its own.
    expect(now.history.map((h) => [h.decision, h.from, h.until, h.adoptedOn])).toEqual([
      ['S/RES/2476 (2019)', '2019-06-25', '2020-10-15', '2019-06-25'],
      ['S/RES/2600 (2021)', '2020-10-16', '2022-07-15', '2021-10-15'],
      ['S/RES/2547 (2020)', null, '2021-07-15', '2026-11-26'],
    ]);
    expect(mandateTimeline(s).map((t) => t.stale)).toEqual([false, false, true]);
    // An undated extension that does reach further still extends it (the contract's rule).
    binuh.push(ev('MandateExtended', { mandateId: 'binuh', until: '2027-07-15', decision: 'S/RES/2785 (2026)' }, '2026-11-27'));
    expect(mandateView(foldMandate('binuh', binuh), { asOf: '2026-11-27' }).expiresOn).toBe('2027-07-15');
  });

  it('a fact without a date takes the date it was recorded', () => {
    v = 0;
    const s = foldMandate('x', [ev('MandateExtended', { mandateId: 'x', until: '2030-01-01', decision: 'S/RES/9999 (2029)' }, '2029-05-05')]);
    expect(mandateView(s, { asOf: '2029-05-04' }).status).toBe('not_established');
    expect(mandateView(s, { asOf: '2029-05-05' }).expiresOn).toBe('2030-01-01');
  });
});
