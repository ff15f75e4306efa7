/**
 * UN document symbols. Canonical forms follow the Council's own usage:
 * `S/RES/2531 (2020)`, `S/PRST/2020/10`, `S/PV.8703`, `S/2020/613`.
 * Inputs arrive in many shapes (PDF text, press releases, the Chinese Repertoire), so every
 * symbol is normalised before it becomes part of a fact or a natural key.
 */

export type SymbolKind = 'resolution' | 'presidential_statement' | 'verbatim_record' | 'document';

export interface ParsedSymbol {
  kind: SymbolKind;
  canonical: string;
}

// Full-width digits, brackets and spaces appear in Chinese PDF text.
function toAscii(input: string): string {
  return input
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/\uFF08/g, '(')
    .replace(/\uFF09/g, ')')
    .replace(/\uFF0F/g, '/')
    .replace(/[\u3000\u00A0\u2009\u202F]/g, ' ')
    .trim();
}

const RESOLUTION_PATTERNS: RegExp[] = [
  /^S\s*\/\s*RES\s*\/\s*(\d{1,5})\s*\(\s*(\d{4})\s*\)$/i, // S/RES/2531 (2020), S/RES/2531(2020)
  /^(?:resolution|res\.?)\s+(\d{1,5})\s*\(\s*(\d{4})\s*\)$/i, // resolution 2531 (2020)
  /^第\s*(\d{1,5})\s*\(\s*(\d{4})\s*\)\s*号(?:决议)?$/, // 第 2531(2020)号决议
  /^(\d{1,5})\s*\(\s*(\d{4})\s*\)$/, // 2531 (2020)
];

/** Parses a symbol in any accepted variant; returns null when it is not a recognised symbol. */
export function parseSymbol(input: string): ParsedSymbol | null {
  const s = toAscii(input);
  for (const re of RESOLUTION_PATTERNS) {
    const m = re.exec(s);
    if (m) return { kind: 'resolution', canonical: `S/RES/${Number(m[1])} (${m[2]})` };
  }
  let m = /^S\s*\/\s*PRST\s*\/\s*(\d{4})\s*\/\s*(\d{1,3})$/i.exec(s);
  if (m) return { kind: 'presidential_statement', canonical: `S/PRST/${m[1]}/${Number(m[2])}` };
  m = /^S\s*\/\s*PV\s*\.\s*(\d{1,5})(?:\s*\(\s*(Resumption\s*\d*)\s*\))?$/i.exec(s);
  if (m) return { kind: 'verbatim_record', canonical: `S/PV.${Number(m[1])}${m[2] ? ` (${m[2]})` : ''}` };
  m = /^S\s*\/\s*(\d{4})\s*\/\s*(\d{1,5})$/i.exec(s);
  if (m) return { kind: 'document', canonical: `S/${m[1]}/${Number(m[2])}` };
  return null;
}

/** Canonical form of a symbol, or null when the input is not a recognised symbol. */
export function normalizeSymbol(input: string): string | null {
  return parseSymbol(input)?.canonical ?? null;
}

/** Link to the document on the UN's document resolver. */
export function undocsUrl(symbol: string): string {
  return `https://undocs.org/${symbol.replace(/ /g, '')}`;
}
