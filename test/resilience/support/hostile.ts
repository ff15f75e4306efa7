import fc from 'fast-check';

/** Strings that have broken web applications: SQL, HTML/script, templates, paths, NUL, lone surrogates, RTL, huge. */
export const HOSTILE = [
  "'; DROP TABLE events; --", "' OR '1'='1", '1; SELECT pg_sleep(10)', '$1', '\\', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>', 'javascript:alert(1)', '{{7*7}}', '${7*7}', '../../../../etc/passwd', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDBFF',
  '\u202Egnp.exe', '\uFEFF', '\u200B', '𝕏🏳️‍🌈', 'Ω'.repeat(3000), 'A'.repeat(70_000), 'null', '__proto__', 'constructor', 'prototype', '1e309', '-0', 'NaN',
  '%00', '%ff%fe', '%E0%A4%A', '%', '%%32', '\r\nX-Injected: 1', 'S/RES/99999999999999999999 (2020)', '9999-99-99', '0000-00-00', '2021-02-30', '+275760-09-13', 'mw_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  '=cmd|"/c calc"!A1', '@SUM(1+1)', '第 2531(2020)号决议', 'S/RES/2531 (2020)', 'minusma',
];
export const hostileString = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, fc.string({ unit: 'grapheme', maxLength: 20 }));
