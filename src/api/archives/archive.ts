import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { Database } from '../../entities/database';
import { isoDay } from '../../handlers/calendar';
import type { Via } from '../audit';
import type { CsvTableShape } from '../csv';
import { ApiError } from '../http';
import type { Outcome } from '../import';
import { alreadyExists, createResource, patchResource, refuse, type ContextWithParams } from '../upsert';
import { Lookups } from './lookups';

/**
 * What housekeepers and contracts have in common as archives: a key (code / number), a parse of
 * the fields a body may give, a save that writes the audit trail in the same transaction, and the
 * one create / patch flow around them. `Archives` is what every archive route is given.
 */

/** A write in progress: its transaction, what it has looked up, and the time it is made. */
export interface Session {
  manager: EntityManager;
  lookups: Lookups;
  now: number;
  timeZone: string;
  /** Audit actions of an import are `<subject>.import_create` / `.import_update`. */
  via: Via;
  /** Who the audit trail names: `admin` for the bearer API, the member's WeCom UserID from the console. */
  actor?: string;
}

/** A saved archive (housekeeper or contract) and what saving it did. */
export interface Saved<E> {
  archive: E;
  outcome: Outcome;
}

/** An archive's key: a housekeeper's code, a contract's number. */
export type ArchiveKey = 'code' | 'number';

/**
 * One kind of archive as the create, patch and import routes handle it: housekeepers by code,
 * contracts by number. `I`: its parsed fields; `E`: its entity.
 */
export interface ArchiveKind<I, E extends { id: number }> {
  /** Its routes under /api/ (also the import's name in the logs). */
  path: 'housekeepers' | 'contracts';
  /** As messages name one: "a housekeeper with code … already exists". */
  noun: 'housekeeper' | 'contract';
  keyName: ArchiveKey;
  /** The fields a body may give, named when a patch gives none. */
  fields: readonly string[];
  csv: CsvTableShape;
  /** `today` (YYYY-MM-DD, business time zone) bounds dates that cannot lie in the future. */
  parse(body: Record<string, unknown>, problems: string[], today: string): I;
  key(input: I): string | undefined;
  /** What a create must give beyond valid values for the fields it gives. */
  requireForNew(body: Record<string, unknown>, problems: string[]): void;
  find(manager: EntityManager, lookups: Lookups, key: string): Promise<E | null>;
  /** Writes with the audit trail; undefined (with `problems` told why) where the database refuses the input, e.g. an unknown store. */
  save(session: Session, existing: E | null, input: I, problems: string[]): Promise<Saved<E> | undefined>;
  /** Reads an import needs once, before its first batch. */
  preloadImport?(manager: EntityManager, lookups: Lookups): Promise<void>;
  /** Reads a batch needs, made in a few queries rather than one per row. */
  preloadBatch(manager: EntityManager, lookups: Lookups, batch: { key?: string; input?: I; problems: string[] }[]): Promise<void>;
  or404(manager: EntityManager, id: number): Promise<E>;
  /** The JSON of one archive as GET /api/<path>/:id sends it. */
  detail(manager: EntityManager, archive: E): Promise<unknown>;
}

/**
 * What the archive routes share. `clock` gives "now" (createdAt, audit times, today's date for a
 * new archive and for refusing future movements); `timeZone` is the business time zone of
 * movement dates.
 */
export interface Archives {
  db: Database;
  log: Logger;
  timeZone: string;
  today(): string;
  session(manager: EntityManager, lookups: Lookups, via?: Via, actor?: string): Session;
}

export function archivesContext(db: Database, log: Logger, clock: () => number, timeZone: string): Archives {
  return {
    db,
    log,
    timeZone,
    today: () => isoDay(clock(), timeZone),
    session: (manager, lookups, via = 'api', actor) => ({ manager, lookups, now: clock(), timeZone, via, actor }),
  };
}

/** The archive as GET /api/<path>/:id shows it, read after the write committed. */
const showArchive = async <I, E extends { id: number }>(ax: Archives, kind: ArchiveKind<I, E>, id: number) => kind.detail(ax.db.reader, await kind.or404(ax.db.reader, id));

const keyTaken = <I, E extends { id: number }>(kind: ArchiveKind<I, E>, input: I) => alreadyExists(kind.noun, kind.keyName, kind.key(input));

/** POST /api/<path>: a new archive, refused with 409 when its key is taken. */
export const createArchive = <I, E extends { id: number }>(ax: Archives, ctx: Context, kind: ArchiveKind<I, E>) =>
  createResource(ctx, {
    parse: (body, problems) => kind.parse(body, problems, ax.today()),
    requireForNew: kind.requireForNew,
    conflictMessage: (input) => keyTaken(kind, input),
    save: (input, problems, taken) =>
      ax.db.write(async (manager) => {
        const lookups = await Lookups.load(manager);
        if (await kind.find(manager, lookups, kind.key(input)!)) throw new ApiError(409, taken);
        const saved = await kind.save(ax.session(manager, lookups), null, input, problems);
        refuse(problems);
        return saved!.archive;
      }),
    location: (archive) => `/api/${kind.path}/${archive.id}`,
    detail: (archive) => showArchive(ax, kind, archive.id),
  });

/** PATCH /api/<path>/:id: the given fields; a new key must not be another archive's. */
export const patchArchive = <I, E extends { id: number }>(ax: Archives, ctx: ContextWithParams, kind: ArchiveKind<I, E>) =>
  patchResource(ctx, {
    parse: (body, problems) => kind.parse(body, problems, ax.today()),
    changeable: kind.fields,
    conflictMessage: (input) => keyTaken(kind, input),
    save: (id, input, problems, taken) =>
      ax.db.write(async (manager) => {
        const existing = await kind.or404(manager, id);
        const lookups = await Lookups.load(manager);
        const key = kind.key(input);
        const clash = key ? await kind.find(manager, lookups, key) : null;
        if (clash && clash.id !== id) throw new ApiError(409, taken);
        await kind.save(ax.session(manager, lookups), existing, input, problems);
        refuse(problems);
        return id;
      }),
    detail: (id) => showArchive(ax, kind, id),
  });
