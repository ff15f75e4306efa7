export type ExpectedVersion = number | 'no_stream' | 'any';

export interface NewEvent {
  /** UUID; generated when absent. Re-sending the same id appends nothing. */
  id?: string;
  type: string;
  data: unknown;
  metadata?: Record<string, unknown>;
  schemaVersion?: number;
  /** The date the fact takes effect (YYYY-MM-DD), if any. */
  occurredOn?: string | null;
}

/** The contract's event envelope. */
export interface StoredEvent<D = unknown> {
  position: number;
  streamId: string;
  version: number;
  id: string;
  type: string;
  schemaVersion: number;
  data: D;
  metadata: Record<string, unknown>;
  occurredOn: string | null;
  recordedAt: string;
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append (the version of its last event). */
  version: number;
  positions: number[];
  /** True when every event id had been appended before: nothing was written. */
  duplicate: boolean;
  /** Global-feed cursor of the last event, for read-your-writes waits. */
  checkpoint: string;
}

export interface StreamAppend {
  streamId: string;
  events: NewEvent[];
  expectedVersion: ExpectedVersion;
}

export interface MultiAppendResult {
  results: AppendResult[];
  appended: number;
  /** Events skipped because their id already existed. */
  duplicates: number;
  checkpoint: string | null;
}

export interface ReadAllFilter {
  types?: string[];
  streamId?: string;
  /**
   * Inclusive `YYYY-MM-DD` bounds on the date an event is filed under: its `occurredOn`, or
   * else the UTC date it was recorded.
   */
  from?: string;
  to?: string;
}

export interface ReadAllPage {
  events: StoredEvent[];
  /** Cursor for the next page when more events are readable now; null otherwise. */
  next: string | null;
  /** Cursor after the last event returned (or the given cursor): resume tailing from here. */
  tail: string;
}

/** Lifts stored event data to the current schema version of its type. */
export type Upcaster = ((type: string, schemaVersion: number, data: unknown) => { schemaVersion: number; data: unknown }) & {
  /**
   * Whether data of this type stored at this version is current already (lifting would return it
   * unchanged). Optional: with it, `readAllJson` hands such events out as PostgreSQL wrote them;
   * without it, it lifts every event in Node.
   */
  current?: (type: string, schemaVersion: number) => boolean;
};

/** `readAll`'s page with its items as JSON text (an array of StoredEvent). */
export interface ReadAllJsonPage {
  itemsJson: string;
  count: number;
  next: string | null;
  tail: string;
}
