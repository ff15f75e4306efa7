// Splits a document into segments so that overlapping spans can each be highlighted.
// Offsets are UTF-16 code unit offsets (JS string indices), as the import API returns them.

export type Span = { start: number; end: number };
export type Segment = { start: number; end: number; text: string; spans: number[] };

export function segmentText(text: string, spans: readonly Span[]): Segment[] {
  const len = text.length;
  const clamp = (n: number) => Math.max(0, Math.min(len, Math.trunc(Number.isFinite(n) ? n : 0)));
  const valid = spans.map((s) => ({ start: clamp(s.start), end: clamp(s.end) }));
  const cuts = new Set<number>([0, len]);
  for (const s of valid) {
    if (s.end > s.start) {
      cuts.add(s.start);
      cuts.add(s.end);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    if (end <= start) continue;
    const covering: number[] = [];
    valid.forEach((s, idx) => {
      if (s.start <= start && s.end >= end && s.end > s.start) covering.push(idx);
    });
    segments.push({ start, end, text: text.slice(start, end), spans: covering });
  }
  return segments;
}
