/**
 * Test helper: writes a small, valid PDF (Helvetica, WinAnsiEncoding) from plain text, one text
 * line per output line, paragraphs separated by an extra line of space, pages of A4. Enough to
 * exercise real PDF text extraction without a converter on the test machine.
 */

const WIN_ANSI: Record<string, number> = {
  '\u2018': 0x91, '\u2019': 0x92, '\u201c': 0x93, '\u201d': 0x94, '\u2013': 0x96, '\u2014': 0x97,
  '\u2011': 0x2d, '\u2010': 0x2d, '\u00a0': 0x20,
};

function winAnsiHex(line: string): string {
  let hex = '';
  for (const ch of line) {
    const code = WIN_ANSI[ch] ?? (ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 0x3f);
    hex += code.toString(16).padStart(2, '0');
  }
  return hex;
}

/** Greedy word wrap at `width` characters. */
function wrap(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function minimalPdf(text: string, options: { wrapAt?: number; linesPerPage?: number } = {}): Uint8Array {
  const wrapAt = options.wrapAt ?? 95;
  const linesPerPage = options.linesPerPage ?? 56;
  // null marks a paragraph gap.
  const flow: Array<string | null> = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    for (const raw of paragraph.split('\n')) flow.push(...wrap(raw, wrapAt));
    flow.push(null);
  }
  const pages: Array<Array<string | null>> = [];
  for (let i = 0; i < flow.length; i += linesPerPage) pages.push(flow.slice(i, i + linesPerPage));

  const objects: string[] = [];
  const add = (body: string) => objects.push(body) - 1 + 1; // object number (1-based)
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const page of pages) {
    let y = 800;
    let stream = '';
    for (const line of page) {
      if (line !== null && line.length) stream += `BT /F1 10 Tf 50 ${y} Td <${winAnsiHex(line)}> Tj ET\n`;
      y -= 13;
    }
    const content = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}endstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
