/** A plain-text table for the terminal (CJK characters count as two columns). */
export function renderTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1), 0);
  const cells = rows.map((r) => r.map((c) => (c == null ? '' : String(c)).replace(/\s+/g, ' ')));
  const widths = headers.map((h, i) => Math.min(60, Math.max(width(h), ...cells.map((r) => width(r[i] ?? '')))));
  const clip = (s: string, w: number) => {
    let out = '';
    for (const ch of s) {
      if (width(out + ch) > w) return `${out.slice(0, -1)}…`;
      out += ch;
    }
    return out;
  };
  const line = (r: string[]) => r.map((c, i) => clip(c, widths[i]) + ' '.repeat(Math.max(0, widths[i] - width(clip(c, widths[i]))))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
