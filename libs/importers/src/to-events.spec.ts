import { describe, expect, it } from 'vitest';
import { catalogueFacts } from './catalogue/index.js';
import { toEvents } from './to-events.js';
import type { ImportedFact, ParseResult } from './types.js';

const source = { start: 0, end: 3, quote: 'abc' };

describe('toEvents', () => {
  it('turns catalogue facts into MandateEstablished events on mandate streams', () => {
    const result: ParseResult = { format: 'csv', facts: catalogueFacts(), warnings: [] };
    const events = toEvents(result);
    expect(result.warnings).toEqual([]);
    expect(events.length).toBe(result.facts.length);
    expect(events.find((e) => e.streamId === 'mandate-minusma')).toMatchObject({ type: 'MandateEstablished', data: { establishedBy: 'S/RES/2100 (2013)' } });
  });

  it('maps the decision kind back and normalises symbols', () => {
    const fact: ImportedFact = {
      kind: 'decision', decisionKind: 'resolution', symbol: '第 2531(2020)号决议', adoptedOn: '2020-06-29',
      vote: { for: 15, against: 0, abstaining: 0 }, chapterVII: true, meeting: null, agendaItem: 'situation-in-mali', writtenProcedureRecord: 'S/2020/613', source,
    };
    const [event] = toEvents({ format: 'repertoire', facts: [fact], warnings: [] });
    expect(event).toMatchObject({ type: 'DecisionAdopted', streamId: 'decision-s-res-2531-2020', data: { kind: 'resolution', symbol: 'S/RES/2531 (2020)' } });
  });

  it('turns an invalid fact into a warning, keeps the others, and merges duplicates', () => {
    const good: ImportedFact = { kind: 'mandate_extended', mandateId: 'minusma', until: '2021-06-30', decision: 'S/RES/2531 (2020)', adoptedOn: null, paragraphs: [], period: null, source };
    const bad: ImportedFact = { ...good, mandateId: 'Not A Slug', until: '2021-02-30' };
    const conflicting: ImportedFact = { ...good, until: '2021-07-31' };
    const result: ParseResult = { format: 'repertoire', facts: [good, bad, good, conflicting], warnings: [] };
    const events = toEvents(result);
    expect(events).toHaveLength(1);
    expect(result.warnings.map((w) => w.code)).toEqual(['INVALID_FACT', 'CONFLICTING_FACT']);
    expect(result.warnings[0].message).toMatch(/mandateId/);
    expect(result.warnings[0].source).toEqual(source);
  });
});
