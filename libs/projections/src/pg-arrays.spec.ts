import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { arrayLiteral } from './pg-arrays.js';

describe('arrayLiteral', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('pgarrays');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  // PostgreSQL itself reads the literals back: every value must come back unchanged.
  const texts = ['plain', '', 'a "quoted" word', 'back\\slash', 'ends with \\', '\\"', 'line\nbreak', 'tab\tand \u0001', 'NULL', 'null', '{braces},', ' spaced ', 'ünï ✓ 中文', '\u2028'];
  for (const value of texts) {
    it(`round-trips ${JSON.stringify(value)}`, async () => {
      const r = await client.query<{ v: (string | null)[] }>('SELECT $1::text[] AS v', [arrayLiteral([value, null, 'x'])]);
      expect(r.rows[0].v).toEqual([value, null, 'x']);
    });
  }

  it('round-trips numbers, booleans, dates and uuids', async () => {
    const r = await client.query<{ n: string[]; b: boolean[]; d: string[]; u: string[] }>(
      'SELECT $1::bigint[]::text[] AS n, $2::boolean[] AS b, $3::date[]::text[] AS d, $4::uuid[]::text[] AS u',
      [arrayLiteral([1, null, 9007199254740991]), arrayLiteral([true, false, null]), arrayLiteral(['2024-02-29', null]), arrayLiteral(['0b6a4ba4-3a4c-4a57-9a4e-2f5d0f4bd0a1'])],
    );
    expect(r.rows[0]).toEqual({ n: ['1', null, '9007199254740991'], b: [true, false, null], d: ['2024-02-29', null], u: ['0b6a4ba4-3a4c-4a57-9a4e-2f5d0f4bd0a1'] });
  });

  it('gives an empty array for no values', async () => {
    const r = await client.query<{ v: string[] }>('SELECT $1::text[] AS v', [arrayLiteral([])]);
    expect(r.rows[0].v).toEqual([]);
  });
});
