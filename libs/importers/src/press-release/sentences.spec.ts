import { describe, expect, it } from 'vitest';
import type { ImportedFact } from '../types.js';
import { parsePressRelease } from './index.js';

/*
 * Sentence-level rules on short texts WE WROTE in the press releases' style (not UN texts): each
 * isolates one rule. The real releases in test-fixtures/press-releases prove the same rules in
 * context.
 */

const release = (date: string, body: string) => `SC/99999\n${date}\n\nSecurity Council Adopts Resolution 2999 (2020)\n\n${body}`;
/** A release without a headline: the headline of `release` adopts resolution 2999 (2020). */
const bare = (date: string, body: string) => `SC/99999\n${date}\n\n${body}`;
const extensions = (facts: ImportedFact[]) => facts.filter((f) => f.kind === 'mandate_extended');

describe('press-release sentence rules', () => {
  it('reads "for a further period of 12 months" from the day after a stated current expiry', () => {
    const r = parsePressRelease(release('12 MARCH 2020', 'Unanimously adopting resolution 2999 (2020), the Council extended the mandate of UNMISS, which expires on 15 March 2020, for a further period of 12 months.'));
    expect(extensions(r.facts)).toMatchObject([{ mandateId: 'unmiss', until: '2021-03-15', period: 'for a further period of 12 months', adoptedOn: '2020-03-12' }]);
    const w = r.warnings.find((x) => x.code === 'PERIOD_RESOLVED');
    expect(w?.message).toContain('current expiry 2020-03-15');
  });

  it('reads a period from the adoption date when no current expiry is stated, and says so', () => {
    const r = parsePressRelease(release('31 AUGUST 2020', 'Unanimously adopting resolution 2999 (2020), the Council extended the mandate of UNMISS for one year.'));
    expect(extensions(r.facts)).toMatchObject([{ mandateId: 'unmiss', until: '2021-08-31', period: 'for one year' }]);
    expect(r.warnings.find((x) => x.code === 'PERIOD_RESOLVED')?.message).toContain('adoption date 2020-08-31');
  });

  it('lets an explicit date win over a period in the same sentence, keeping the phrase', () => {
    const r = parsePressRelease(release('28 JANUARY 2021', 'Unanimously adopting resolution 2999 (2020), the Council extended the mandate of UNFICYP for a further period of six months, until 31 July 2021.'));
    expect(extensions(r.facts)).toMatchObject([{ mandateId: 'unficyp', until: '2021-07-31', period: 'for a further period of six months' }]);
    expect(r.warnings.map((w) => w.code)).not.toContain('PERIOD_RESOLVED');
  });

  it('reads votes with abstentions, "unanimously" and Chapter VII', () => {
    const r = parsePressRelease(release('15 OCTOBER 2020', 'Adopting resolution 2999 (2020) by a vote of 13 in favour to none against, with 2 abstentions (China, Russian Federation), and acting under Chapter VII of the Charter, the Council extended the mandate of BINUH until 15 October 2021.'));
    expect(r.facts.find((f) => f.kind === 'decision')).toMatchObject({ vote: { for: 13, against: 0, abstaining: 2 }, chapterVII: true, adoptedOn: '2020-10-15' });
    const u = parsePressRelease(release('15 OCTOBER 2020', 'Unanimously adopting resolution 2999 (2020), the Council extended the mandate of BINUH until 15 October 2021.'));
    expect(u.facts.find((f) => f.kind === 'decision')).toMatchObject({ vote: { for: 15, against: 0, abstaining: 0 }, chapterVII: false });
  });

  it('warns about an unknown mandate and records no fact for it', () => {
    const r = parsePressRelease(release('1 JUNE 2020', 'Unanimously adopting resolution 2999 (2020), the Council extended the mandate of the United Nations Observer Mission in Atlantis (UNOMAT) until 30 June 2021.'));
    expect(extensions(r.facts)).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toContain('UNRESOLVED_MANDATE');
  });

  describe('dates that are not expiries', () => {
    const negatives: Array<[string, string]> = [
      ['a troop ceiling', 'The Council decided that MINUSMA will continue to comprise an authorized troop ceiling of 13,289 military personnel.'],
      ['a review intention', 'The Council expressed its intention to review the mandate of MINUSMA and take appropriate action regarding its further extension no later than 31 August 2021.'],
      ['an earlier decision', 'The Council previously decided to extend the mandate of MINUSMA until 30 June 2020 through resolution 2480 (2019).'],
      ['a withdrawal deadline', 'The Council requested that all MINUSMA personnel be withdrawn by 31 December 2023.'],
      ['an authorisation window', 'The Council decided that, until 30 September 2023, MINUSMA is authorized to respond to imminent threats.'],
      ['a report deadline', 'The Council requested the Secretary-General to submit a report on MINUSMA by 31 March 2021.'],
      ['a recalled resolution', 'Recalling resolution 2100 (2013) of 25 April 2013, by which it established MINUSMA, the Council stressed the importance of the Agreement signed in June 2015.'],
    ];
    for (const [what, sentence] of negatives) {
      it(`${what} is not an expiry`, () => {
        const r = parsePressRelease(release('29 JUNE 2020', `Unanimously adopting resolution 2999 (2020), the Council welcomed progress. ${sentence}`));
        expect(extensions(r.facts)).toEqual([]);
        expect(r.facts.filter((f) => f.kind === 'mandate_terminated')).toEqual([]);
      });
    }

    it('a report deadline is a report request', () => {
      const r = parsePressRelease(release('29 JUNE 2020', 'Unanimously adopting resolution 2999 (2020), the Council requested the Secretary-General to submit a long-term road map on MINUSMA by 31 March 2021.'));
      expect(r.facts.filter((f) => f.kind === 'report_request')).toMatchObject([{ dueOn: '2021-03-31', mandateId: 'minusma', description: 'a long-term road map on MINUSMA by 31 March 2021' }]);
    });
  });

  it('resolves "today" from the dateline and reads US-style dates', () => {
    const r = parsePressRelease(release('22 DECEMBER 2020', 'The Security Council today unanimously adopted resolution 2999 (2020), extending the mandate of UNMISS until March 15, 2021.'));
    expect(r.facts.find((f) => f.kind === 'decision')).toMatchObject({ adoptedOn: '2020-12-22' });
    expect(extensions(r.facts)).toMatchObject([{ until: '2021-03-15' }]);
  });
});

describe('press releases reporting several decisions or a presidential statement (texts written by us)', () => {
  it('attributes each extension to the resolution adopted in its sentence', () => {
    const r = parsePressRelease(
      bare(
        '29 MAY 2020',
        'By a vote of 13 in favour to none against, with 2 abstentions (China, Russian Federation), adopting resolution 2521 (2020), the Council renewed until 31 May 2021 the sanctions measures on South Sudan and extended until 1 July 2021 the mandate of the Panel of Experts. Unanimously adopting resolution 2522 (2020), the Council extended the mandate of the United Nations Assistance Mission for Iraq (UNAMI) until 31 May 2021.',
      ),
    );
    const decisions = r.facts.filter((f) => f.kind === 'decision');
    expect(decisions).toMatchObject([
      { symbol: 'S/RES/2521 (2020)', vote: { for: 13, against: 0, abstaining: 2 } },
      { symbol: 'S/RES/2522 (2020)', vote: { for: 15, against: 0, abstaining: 0 } },
    ]);
    expect(extensions(r.facts).map((f) => [f.mandateId, f.until, f.decision])).toEqual([
      ['south-sudan-sanctions', '2021-05-31', 'S/RES/2521 (2020)'],
      ['south-sudan-panel-of-experts', '2021-07-01', 'S/RES/2521 (2020)'],
      ['unami', '2021-05-31', 'S/RES/2522 (2020)'],
    ]);
  });

  it('records a presidential statement without a vote, and its report request', () => {
    const r = parsePressRelease(
      'SC/99998\n14 MAY 2020\n\nIn a presidential statement (S/PRST/2020/5) issued today, the Security Council requested the Secretary-General to submit a report on the situation in Mali by 30 September 2020.',
    );
    expect(r.facts.find((f) => f.kind === 'decision')).toMatchObject({ symbol: 'S/PRST/2020/5', decisionKind: 'presidential_statement', vote: null, adoptedOn: '2020-05-14' });
    expect(r.facts.filter((f) => f.kind === 'report_request')).toMatchObject([{ decision: 'S/PRST/2020/5', dueOn: '2020-09-30' }]);
  });

  it('does not take a resolution recalled as history for the release\'s decision', () => {
    const r = parsePressRelease(bare('30 MARCH 2020', 'Unanimously adopting resolution 2515 (2020), the Council extended until 30 April 2021 the mandate of the DPRK Panel of Experts. The Council previously adopted resolution 2464 (2019), extending the mandate until 24 April 2020.'));
    expect(r.facts.filter((f) => f.kind === 'decision').map((f) => (f as { symbol: string }).symbol)).toEqual(['S/RES/2515 (2020)']);
    expect(extensions(r.facts).map((f) => f.until)).toEqual(['2021-04-30']);
  });
});
