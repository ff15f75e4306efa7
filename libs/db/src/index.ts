import type pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export * from './pool.js';
export * from './migrate.js';
export { PrismaClient };
export type * as PrismaTypes from './generated/prisma/client.js';

/** Prisma Client on the process's shared pg pool (Prisma 7 talks to PostgreSQL through the adapter). */
export function createPrisma(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}
