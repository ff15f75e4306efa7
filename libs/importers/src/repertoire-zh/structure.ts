import { MAX_LINE, type Line } from './layout.js';
import { ZH_FULL_DATE_SOURCE } from './zh-text.js';

/**
 * Second pass: cuts the running text into sections (`12.  马里局势`), their narrative and their
 * tables. Table 1 lists formal meetings (rows start with `S/PV.<n>`), table 2 videoconferences
 * (rows start with a date and the record letter `S/2020/286`). A table is recognised by its
 * column titles as well as by its `表 N` caption, because an excerpt may start in the middle of
 * one (the seed opens with the tail of the previous section's table 2, caption and title lost).
 */

export interface Section {
  number: number | null;
  /** Title as printed (马里局势), null for the text before the first section heading. */
  title: string | null;
  start: number;
  end: number;
  narrative: Line[];
  meetingRows: Line[][];
  videoconferenceRows: Line[][];
  /** Table titles seen (会议：马里局势), to cross-check the section title. */
  tableTitles: Array<{ kind: 'meetings' | 'videoconferences'; title: string; line: Line }>;
}

const SECTION_HEADING = /^\s{0,8}(\d{1,3})\.\s{1,8}(\S[^。，；：:]{0,60}?)\s{0,8}$/;
const TABLE_CAPTION = /^\s{0,8}表\s{0,3}(\d{1,2})\s{0,8}$/;
const TABLE_TITLE = /^\s{0,8}(视频会议|会议)\s{0,3}[：:]\s{0,3}(\S.{0,80}?)\s{0,8}$/;
const VC_HEADER = /^\s{0,8}视频会议日期/;
const MEETING_HEADER = /^\s{0,8}会议记录和日期/;
export const VC_ROW_START = new RegExp(`^\\s{0,8}${ZH_FULL_DATE_SOURCE}\\s{0,8}S\\s{0,2}/\\s{0,2}\\d{4}\\s{0,2}/\\s{0,2}\\d{1,5}`);
export const MEETING_ROW_START = /^\s{0,8}S\s{0,2}\/\s{0,2}PV\.\s{0,2}\d{1,5}/;
const TABLE_NOTE = /^\s{0,8}[a-z]\s{1,4}\S/;
/** What may follow a videoconference row's title: decision, vote, Chapter VII, record letter. */
const VC_DECISION_LINE = /^\s{0,8}(?:第\s{0,4}\d{1,5}\s{0,4}\(\s{0,4}\d{4}\s{0,4}\)\s{0,4}号决议|S\s{0,2}\/\s{0,2}(?:RES|PRST)\s{0,2}\/.{0,20}|\d{1,2}\s{0,2}-\s{0,2}\d{1,2}\s{0,2}-\s{0,2}\d{1,2}|\(根据第七章通过\)|\(根据《宪章》第七章通过\)|S\s{0,2}\/\s{0,2}\d{4}\s{0,2}\/\s{0,2}\d{1,5}|[a-z])?[\s,，;；]{0,8}$/;

type Mode = 'narrative' | 'caption' | 'header-meetings' | 'header-vc' | 'meetings' | 'meeting-notes' | 'vc';

export function readStructure(lines: Line[], documentEnd: number): Section[] {
  const sections: Section[] = [];
  let section: Section = newSection(null, null, 0);
  sections.push(section);
  let mode: Mode = 'narrative';
  let row: Line[] | null = null;
  let captionKind: 'meetings' | 'videoconferences' | null = null;

  const closeRow = () => {
    row = null;
  };

  for (const line of lines) {
    const text = line.text.length > MAX_LINE ? '' : line.text;
    const blank = line.text.trim() === '';

    const heading = SECTION_HEADING.exec(text);
    if (heading && !blank) {
      closeRow();
      section.end = line.start;
      section = newSection(Number(heading[1]), heading[2].trim(), line.start);
      sections.push(section);
      mode = 'narrative';
      continue;
    }
    if (TABLE_CAPTION.test(text)) {
      closeRow();
      mode = 'caption';
      captionKind = null;
      continue;
    }
    const title: RegExpExecArray | null = mode === 'caption' ? TABLE_TITLE.exec(text) : null;
    if (title) {
      captionKind = title[1] === '视频会议' ? 'videoconferences' : 'meetings';
      section.tableTitles.push({ kind: captionKind, title: title[2], line });
      mode = captionKind === 'meetings' ? 'header-meetings' : 'header-vc';
      continue;
    }
    if (VC_HEADER.test(text)) {
      closeRow();
      mode = 'header-vc';
      continue;
    }
    if (MEETING_HEADER.test(text)) {
      closeRow();
      mode = 'header-meetings';
      continue;
    }
    if (VC_ROW_START.test(text) && mode !== 'meetings') {
      row = [line];
      section.videoconferenceRows.push(row);
      mode = 'vc';
      continue;
    }
    if (MEETING_ROW_START.test(text) && (mode === 'header-meetings' || mode === 'meetings')) {
      row = [line];
      section.meetingRows.push(row);
      mode = 'meetings';
      continue;
    }
    switch (mode) {
      case 'caption':
      case 'header-meetings':
      case 'header-vc':
        continue; // column titles
      case 'meetings':
        if (TABLE_NOTE.test(text) && row && row.length > 1) {
          closeRow();
          mode = 'meeting-notes';
          continue;
        }
        if (row) (row as Line[]).push(line);
        continue;
      case 'meeting-notes':
        continue;
      case 'vc': {
        const r = row as Line[] | null;
        if (r && (blank || !titleComplete(r) || VC_DECISION_LINE.test(text))) {
          r.push(line);
          continue;
        }
        // Anything else (a region heading like 美洲, narrative) ends the table.
        closeRow();
        mode = 'narrative';
        break;
      }
      default:
        break;
    }
    if (!blank) section.narrative.push(line);
  }
  section.end = documentEnd;
  return sections.filter((s) => s.title !== null || s.narrative.length || s.meetingRows.length || s.videoconferenceRows.length);
}

function newSection(number: number | null, title: string | null, start: number): Section {
  return { number, title, start, end: start, narrative: [], meetingRows: [], videoconferenceRows: [], tableTitles: [] };
}

/** A videoconference row's third cell is the title of the President's letter (…的信). */
function titleComplete(row: Line[]): boolean {
  for (const l of row) if (l.text.includes('的信')) return true;
  return row.length > 6; // give up waiting for a title after a few lines
}
