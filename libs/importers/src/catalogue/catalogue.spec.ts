import { describe, expect, it } from 'vitest';
import { MANDATE_TYPES, isSlug, normalizeSymbol, parseEventData } from '#libs/domain';
import { AGENDA_ITEMS, BASE_CATALOGUE, catalogueFacts, mandateCatalogue, mergeCatalogue, parseCatalogueCsv, resolveAgendaItem, resolveMandate } from './index.js';

describe('base catalogue', () => {
  it('has unique slug ids, known types and agenda items, canonical symbols and ISO dates', () => {
    const ids = BASE_CATALOGUE.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const agenda = new Set(AGENDA_ITEMS.map((a) => a.id));
    for (const e of BASE_CATALOGUE) {
      expect(isSlug(e.id), e.id).toBe(true);
      expect(MANDATE_TYPES).toContain(e.type);
      if (e.agendaItem) expect(agenda.has(e.agendaItem), `${e.id} → ${e.agendaItem}`).toBe(true);
      if (e.establishedBy) expect(normalizeSymbol(e.establishedBy)).toBe(e.establishedBy);
      if (e.establishedOn) expect(e.establishedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(e.sources.length).toBeGreaterThan(0);
    }
  });

  it('no spelling names two different mandates', () => {
    const owner = new Map<string, string>();
    for (const s of mandateCatalogue().spellings) {
      const prev = owner.get(s.key);
      if (prev) expect(prev, s.text).toBe(s.entry.id);
      owner.set(s.key, s.entry.id);
    }
  });

  it('every entry becomes a valid MandateEstablished event', () => {
    for (const f of catalogueFacts()) {
      const { kind, source, ...data } = f;
      expect(kind).toBe('mandate_established');
      expect(source.quote).toBe(`catalogue:${f.mandateId}`);
      const r = parseEventData('MandateEstablished', data);
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
  });
});

describe('resolveMandate', () => {
  it.each([
    ['MINUSMA', 'minusma'],
    ['minusma', 'minusma'],
    ['ＭＩＮＵＳＭＡ', 'minusma'],
    ['马里稳定团', 'minusma'],
    ['马里 稳定团', 'minusma'],
    ['联合国马里多层面综合稳定团', 'minusma'],
    ['United Nations Multidimensional Integrated Stabilization Mission in Mali', 'minusma'],
    ['  united nations multidimensional integrated stabilization mission in mali ', 'minusma'],
    ['联海综合办', 'binuh'],
    ['联合国海地综合办事处', 'binuh'],
    ['Bureau intégré des Nations Unies en Haïti', 'binuh'],
    ['FINUL', 'unifil'],
    ['EUFOR ALTHEA', 'eufor-althea'],
    ['mali-panel-of-experts', 'mali-panel-of-experts'],
  ])('%s → %s', (text, id) => {
    expect(resolveMandate(text)?.id).toBe(id);
  });

  it('resolves generic words only inside an agenda item', () => {
    expect(resolveMandate('专家小组')).toBeNull();
    expect(resolveMandate('专家小组', { agendaItem: 'situation-in-mali' })?.id).toBe('mali-panel-of-experts');
    expect(resolveMandate('资产冻结和旅行禁令', { agendaItem: 'situation-in-mali' })?.id).toBe('mali-sanctions');
    expect(resolveMandate('稳定团', { agendaItem: 'situation-in-mali' })?.id).toBe('minusma');
    // Two peace operations share the Middle East item: a generic word stays unresolved.
    expect(resolveMandate('the Mission', { agendaItem: 'situation-in-the-middle-east' })).toBeNull();
  });

  it('finds sanctions and panels by their establishing decision', () => {
    expect(mandateCatalogue().byEstablishingDecision('S/RES/2374 (2017)', 'sanctions_measures')?.id).toBe('mali-sanctions');
    expect(mandateCatalogue().byEstablishingDecision('S/RES/2374 (2017)', 'panel_of_experts')?.id).toBe('mali-panel-of-experts');
  });

  it('returns null for unknown text', () => {
    expect(resolveMandate('联合国火星特派团')).toBeNull();
    expect(resolveMandate('')).toBeNull();
  });

  it('finds mentions in running text with offsets', () => {
    const text = '安理会将马里稳定团的任务期限延长至 2021 年 6 月 30 日，并欢迎联合国海地综合办事处(联海综合办)。';
    const hits = mandateCatalogue().findMentions(text);
    expect(hits.map((h) => [h.entry.id, text.slice(h.start, h.end)])).toEqual([
      ['minusma', '马里稳定团'],
      ['binuh', '联合国海地综合办事处'],
      ['binuh', '联海综合办'],
    ]);
  });

  it('resolves agenda items by any title', () => {
    expect(resolveAgendaItem('马里局势')?.id).toBe('situation-in-mali');
    expect(resolveAgendaItem('有关海地的问题')?.id).toBe('question-concerning-haiti');
    expect(resolveAgendaItem('The situation in Mali')?.id).toBe('situation-in-mali');
    expect(resolveAgendaItem('La question concernant Haïti')?.id).toBe('question-concerning-haiti');
  });
});

describe('catalogue CSV', () => {
  const header = 'id,acronym,type,agenda_item,name_en,name_zh,name_fr,aliases,established_on,established_by,expires_on';

  it('reads entries and merges them over the base', () => {
    const csv = [
      header,
      'unmis-test,UNMT,special_political_mission,situation-in-testland,United Nations Test Mission,联合国测试特派团,Mission de test,测试团|UNTM,2024-01-05,S/RES/2999(2024),2025-01-04',
      'minusma,,peace_operation,,United Nations Multidimensional Integrated Stabilization Mission in Mali,,,联马团,,,2023-06-30',
    ].join('\n');
    const { entries, errors } = parseCatalogueCsv(csv);
    expect(errors).toEqual([]);
    expect(entries[0]).toMatchObject({ id: 'unmis-test', establishedBy: 'S/RES/2999 (2024)', aliases: ['测试团', 'UNTM'], expiresOn: '2025-01-04' });
    const merged = mergeCatalogue(BASE_CATALOGUE, entries);
    expect(merged.length).toBe(BASE_CATALOGUE.length + 1);
    expect(resolveMandate('测试团', { catalogue: merged })?.id).toBe('unmis-test');
    const minusma = merged.find((e) => e.id === 'minusma')!;
    expect(minusma.aliases).toContain('联马团');
    expect(minusma.aliases).toContain('马里稳定团');
    expect(minusma.establishedBy).toBe('S/RES/2100 (2013)');
    expect(minusma.expiresOn).toBe('2023-06-30');
  });

  it('reports row-numbered errors and keeps good rows', () => {
    const csv = [
      header,
      'Bad Id,,peace_operation,,X,,,,,,',
      'ok-one,,authorization,,Okay,,,,2020-02-30,S/RES/1 (2020),',
      'ok-two,,nonsense,,Okay two,,,,,not a symbol,',
      'ok-three,,other,,Three,,,,,,',
    ].join('\n');
    const { entries, errors } = parseCatalogueCsv(csv);
    expect(entries.map((e) => e.id)).toEqual(['ok-three']);
    expect(errors).toEqual([
      expect.objectContaining({ row: 2, column: 'id' }),
      expect.objectContaining({ row: 3, column: 'established_on' }),
      expect.objectContaining({ row: 4, column: 'type' }),
      expect.objectContaining({ row: 4, column: 'established_by' }),
    ]);
  });

  it('rejects a CSV without the columns', () => {
    expect(parseCatalogueCsv('a,b\n1,2').errors[0]).toMatchObject({ row: 1 });
    expect(parseCatalogueCsv('').errors.length).toBe(1);
  });
});
