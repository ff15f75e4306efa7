import { deflateSync } from 'node:zlib';

/** A PDF from raw object bodies (1-based numbering), with a correct xref table. */
export function rawPdf(objects: (string | Buffer)[], opts: { rootRef?: number } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${opts.rootRef ?? 1} 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

const stream = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);

/** Catalog → Pages → one page whose content stream is `content`. */
function onePage(content: Buffer, filter = ''): Buffer {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    stream(filter, content),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
}

/** Hostile PDFs, each under the 10 MB upload limit, with what they attack. */
export function hostilePdfs(): { name: string; bytes: Buffer }[] {
  // 1. Decompression bomb: ~200 MB of text operators deflated to well under 1 MB.
  const line = Buffer.from('BT /F1 12 Tf 72 720 Td (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj ET\n', 'latin1');
  const bomb = deflateSync(Buffer.concat(Array.from({ length: 2_500_000 }, () => line)), { level: 9 });
  // 2. Zeros bomb: 500 MB of zeros inflate from ~0.5 MB.
  const zeros = deflateSync(Buffer.alloc(500 * 1024 * 1024), { level: 9 });
  // 3. Deeply nested arrays in the page dictionary.
  const nested = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  // 4. A page tree that claims a billion pages and loops on itself.
  const loop = rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1000000000 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>']);
  // 5. Thousands of pages with a little text each (page limit).
  const pages = 5000;
  const many = rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${Array.from({ length: pages }, (_, i) => `${i + 4} 0 R`).join(' ')}] /Count ${pages} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...Array.from({ length: pages }, (_, i) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${pages + 4 + i} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`),
    ...Array.from({ length: pages }, (_, i) => stream('', Buffer.from(`BT /F1 12 Tf 72 720 Td (Page ${i} of the Security Council) Tj ET`, 'latin1')).toString('latin1')),
  ]);
  // 6. Garbage after a valid header, and a truncated file.
  const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256))]);
  const truncated = onePage(Buffer.from('BT /F1 12 Tf 72 720 Td (Hello) Tj ET')).subarray(0, 300);
  // 7. A content stream with a million tiny text runs (layout work per item).
  const runs = deflateSync(Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => `BT /F1 1 Tf ${i % 500} ${i % 800} Td (x) Tj ET`).join('\n')));
  return [
    { name: 'flate bomb (200 MB of text operators)', bytes: onePage(bomb, '/Filter /FlateDecode') },
    { name: 'flate bomb (500 MB of zeros)', bytes: onePage(zeros, '/Filter /FlateDecode') },
    { name: '200,000 nested arrays', bytes: onePage(Buffer.from(`BT /F1 12 Tf 72 720 Td ${nested} TJ ET`, 'latin1')) },
    { name: 'self-referencing page tree claiming 10^9 pages', bytes: loop },
    { name: `${pages} pages`, bytes: many },
    { name: 'garbage after the header', bytes: garbage },
    { name: 'truncated', bytes: truncated },
    { name: '1,000,000 text runs on one page', bytes: onePage(runs, '/Filter /FlateDecode') },
  ];
}
