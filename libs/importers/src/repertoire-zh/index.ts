export { parseRepertoireZh, UNKNOWN_AGENDA_ITEM, type RepertoireZhOptions } from './parse.js';
export { OffsetMappedText, OffsetMappedTextBuilder } from './offset-text.js';
export { readLayout, type Footnote, type Layout, type Line } from './layout.js';
export { readNarrativeFlow, splitSentences } from './narrative.js';
