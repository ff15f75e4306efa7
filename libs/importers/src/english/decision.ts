import { normalizeSymbol } from '#libs/domain';
import { numberOf, NUMBER_WORD_PATTERN } from './dates.js';

/**
 * How English Council prose states a decision's vote, Charter basis, meeting and symbol.
 * Shared by press releases (one decision per document) and the Repertoire (one per passage).
 */

export interface Vote {
  for: number;
  against: number;
  abstaining: number;
}

const COUNT = `(?:${NUMBER_WORD_PATTERN}|none|no)`;
// "by a vote of 13 in favour to none against, with 2 abstentions (China, Russian Federation)",
// "by a recorded vote of 14 in favour to none against, with 1 abstention", "13 to 0 with 2".
const VOTE = new RegExp(
  `\\bby\\s+(?:a\\s+)?(?:recorded\\s+)?vote\\s+of\\s+(?<for>${COUNT})\\s+in\\s+fav(?:ou)?r\\s*(?:,|to)?\\s*(?<against>${COUNT})\\s+against(?:\\s*,?\\s*(?:and\\s+|with\\s+)?(?<abst>${COUNT})\\s+abstentions?)?` +
    `|\\bby\\s+(?<for2>\\d{1,2})\\s+votes?\\s+(?:in\\s+favour\\s+)?to\\s+(?<against2>${COUNT})(?:\\s*,?\\s*with\\s+(?<abst2>${COUNT})\\s+abstentions?)?` +
    `|\\bby\\s+(?:a\\s+vote\\s+of\\s+)?(?<for3>\\d{1,2})-(?<against3>\\d{1,2})-(?<abst3>\\d{1,2})\\b`,
  'i',
);

function count(word: string | undefined): number | null {
  if (word === undefined) return 0;
  const w = word.toLowerCase();
  if (w === 'none' || w === 'no') return 0;
  return numberOf(w);
}

/** The vote stated in `passage`, or null. `unanimously` is 15-0-0 (the Council has 15 members). */
export function readVote(passage: string): { vote: Vote; index: number; length: number } | null {
  const m = VOTE.exec(passage);
  if (m) {
    const g = m.groups ?? {};
    const v = { for: count(g.for ?? g.for2 ?? g.for3), against: count(g.against ?? g.against2 ?? g.against3), abstaining: count(g.abst ?? g.abst2 ?? g.abst3) };
    if (v.for !== null && v.against !== null && v.abstaining !== null && v.for + v.against + v.abstaining <= 15) {
      return { vote: v as Vote, index: m.index, length: m[0].length };
    }
  }
  const u = /\bunanimous(?:ly)?\b/i.exec(passage);
  return u ? { vote: { for: 15, against: 0, abstaining: 0 }, index: u.index, length: u[0].length } : null;
}

export function readChapterVII(passage: string): boolean {
  return /\bChapter\s+VII\b/.test(passage);
}

/** `8768th Meeting (AM)`, `at its 8768th meeting` → `S/PV.8768`. */
export function readMeeting(passage: string): string | null {
  const m = /\b(\d{3,5})(?:st|nd|rd|th)\s+meeting\b/i.exec(passage);
  return m ? normalizeSymbol(`S/PV.${m[1]}`) : null;
}

/** `resolution 2531 (2020)`, `S/RES/2531 (2020)`, `S/RES/2531(2020)` with offsets. */
export const RESOLUTION_MENTION = /\b(?:resolution|S\/RES\/)\s*(\d{1,5})\s*\(\s*(\d{4})\s*\)/gi;

export function resolutionSymbol(m: RegExpExecArray): string | null {
  return normalizeSymbol(`S/RES/${m[1]} (${m[2]})`);
}

/** A resolution the passage says is adopted (not merely recalled), with its offset. */
export const ADOPTED_RESOLUTION = /\b(?:adopt(?:s|ed|ing)?|terms of)\s+(?:the\s+)?(?:draft\s+)?(?:resolution|S\/RES\/)\s*(\d{1,5})\s*\(\s*(\d{4})\s*\)/gi;
