import type { Context } from 'koa';
import type { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { isUniqueViolation } from '../entities/errors';
import { readBodyText } from './csv';
import { ApiError, idParam } from './http';

/**
 * What the admin API's writes have in common, whatever they write (stores and staff, housekeepers
 * and contracts): a JSON body read and checked field by field, every problem of a request reported
 * in one 400, and a key already taken answered with 409 — whether a row already holds it or one is
 * written at the same moment. Bulk imports have their own engine (./import).
 *
 * The record-specific parts (parsing fields, the write transaction, the JSON sent back) stay with
 * each record; `createResource` and `patchResource` are the one request flow around them.
 */

const JSON_LIMIT_BYTES = 1024 * 1024;

// ---------------------------------------------------------------- bodies

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `what` names the JSON the request should have sent, for the empty-body message. */
export function parseJson(text: string, what = 'a JSON object'): unknown {
  if (text.trim() === '') throw new ApiError(400, `the body is empty: send ${what}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `invalid JSON: ${(error as Error).message}`);
  }
}

export async function readJsonObject(ctx: Context): Promise<Record<string, unknown>> {
  if (ctx.request.type && !ctx.is('json')) throw new ApiError(415, 'send JSON (content-type: application/json)');
  const body = parseJson(await readBodyText(ctx, JSON_LIMIT_BYTES));
  if (!isObject(body)) throw new ApiError(400, 'the body must be a JSON object');
  return body;
}

/** The row with this id, or a 404 saying there is none. */
export async function findOr404<E extends { id: number }>(manager: EntityManager, entity: EntityTarget<E>, id: number, notFound: string): Promise<E> {
  const found = await manager.findOneBy(entity, { id } as FindOptionsWhere<E>);
  if (!found) throw new ApiError(404, notFound);
  return found;
}

// ---------------------------------------------------------------- problems: all of them in one 400

export function unknownFields(body: Record<string, unknown>, allowed: readonly string[], problems: string[]): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) problems.push(`unknown field: ${key.slice(0, 40)}`);
}

/** "x missing" for each field the input does not give at all (a bad value has its own problem). */
export function requireFields(input: Record<string, unknown>, names: readonly string[], problems: string[]): void {
  for (const name of names) if (input[name] === undefined) problems.push(`${name} missing`);
}

export function refuse(problems: string[]): void {
  if (problems.length) throw new ApiError(400, problems.join('; '));
}

// ---------------------------------------------------------------- conflicts: 409

/**
 * A unique index refused a row written concurrently by someone else: the same 409 as when the
 * key was found taken before writing (the check and the insert are not atomic on every database).
 */
export async function conflictsAs409<T>(work: Promise<T>, message: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError(409, message);
    throw error;
  }
}

/** "a store with code S01 already exists". */
export function alreadyExists(what: string, keyName: string, key: string | undefined): string {
  return `a ${what} with ${keyName} ${key} already exists`;
}

// ---------------------------------------------------------------- create and patch

/** `F`: a body's parsed fields; `S`: what the write transaction returns. */
interface WriteSpec<F, S> {
  /** Checks the body field by field, adding one problem per bad field. */
  parse(body: Record<string, unknown>, problems: string[]): F;
  /** The 409 message, for the key found taken and for a unique index refusing the write. */
  conflictMessage(fields: F): string;
  /** The response body once the write has committed. */
  detail(saved: S): unknown;
}

export interface CreateSpec<F, S> extends WriteSpec<F, S> {
  /** Adds a problem for each field a new record must have and the body lacks. */
  requireForNew(body: Record<string, unknown>, problems: string[]): void;
  /**
   * The write transaction. It throws ApiError(409, `conflict`) where it finds the key taken, and
   * adds to `problems` (then refuses) what only the database can tell, e.g. an unknown store code.
   */
  save(fields: F, problems: string[], conflict: string): Promise<S>;
  location(saved: S): string;
}

export interface PatchSpec<F, S> extends WriteSpec<F, S> {
  /** The fields a patch may give, named when the body gives none. */
  changeable: readonly string[];
  /** As CreateSpec.save, for the record `id` (404 where there is none). */
  save(id: number, fields: F, problems: string[], conflict: string): Promise<S>;
}

/** POST: a JSON body → 400 with every problem, 409 when the key is taken, or 201 with a location and the record. */
export async function createResource<F, S>(ctx: Context, spec: CreateSpec<F, S>): Promise<void> {
  const body = await readJsonObject(ctx);
  const problems: string[] = [];
  const fields = spec.parse(body, problems);
  spec.requireForNew(body, problems);
  refuse(problems);
  const conflict = spec.conflictMessage(fields);
  const saved = await conflictsAs409(spec.save(fields, problems, conflict), conflict);
  ctx.status = 201;
  ctx.set('location', spec.location(saved));
  ctx.body = await spec.detail(saved);
}

/** A route's context, with its path parameters (`:id`). */
export type ContextWithParams = Context & { params: Record<string, string> };

/** PATCH /:id: the fields the body gives, and no others, are changed; an empty body is a 400. */
export async function patchResource<F, S>(ctx: ContextWithParams, spec: PatchSpec<F, S>): Promise<void> {
  const id = idParam(ctx.params.id);
  const body = await readJsonObject(ctx);
  const problems: string[] = [];
  const fields = spec.parse(body, problems);
  if (Object.keys(body).length === 0) problems.push(`nothing to change: give any of ${spec.changeable.join(', ')}`);
  refuse(problems);
  const conflict = spec.conflictMessage(fields);
  const saved = await conflictsAs409(spec.save(id, fields, problems, conflict), conflict);
  ctx.body = await spec.detail(saved);
}
