import { defineConfig } from 'prisma/config';

// The CLI reads the connection from DATABASE_URL; the application builds its own pool
// (libs/db) and hands it to Prisma's pg adapter.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
