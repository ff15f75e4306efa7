/**
 * Nest injection tokens for the process's shared resources, so that API modules and the worker
 * ask for the same things by the same names.
 */
export const CONFIG = Symbol('CONFIG'); // AppConfig from #libs/config
export const PG_POOL = Symbol('PG_POOL'); // pg.Pool
export const REDIS = Symbol('REDIS'); // ioredis client (commands; BullMQ makes its own connections)
export const BUSINESS_CLOCK = Symbol('BUSINESS_CLOCK'); // BusinessClock from #libs/clock
export const LOGGER = Symbol('LOGGER'); // pino Logger
export const PRISMA = Symbol('PRISMA'); // PrismaClient from #libs/db (read models)
export const EVENT_STORE = Symbol('EVENT_STORE'); // EventStore from #libs/event-store
export const PROJECTIONS = Symbol('PROJECTIONS'); // ProjectionRunner from #libs/projections

/** The PostgreSQL channel the event store NOTIFYs after appends; projection runners LISTEN on it. */
export const EVENTS_CHANNEL = 'mw_events';
