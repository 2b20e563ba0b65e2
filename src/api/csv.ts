import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { ApiError } from './http';

/**
 * Spreadsheets saved as CSV, for the admin API's imports (staff, housekeepers, contracts):
 * reading the upload as UTF-8 text, the RFC 4180 reader, and the header-to-rows step that
 * numbers every row as the spreadsheet does (the header is row 1). The writer every export uses
 * lives in src/lib/csv.ts (the handlers use it too, and never import the API); re-exported here.
 */
export { csvCell, csvDocument, type CsvValue } from '../lib/csv';

export class CsvError extends Error {}

/** The request body as UTF-8 text without a BOM; 413 beyond `limitBytes`. */
export async function readBodyText(ctx: Context, limitBytes: number): Promise<string> {
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit: limitBytes, length: ctx.get('content-length') || undefined });
  } catch (error) {
    const err = error as { type?: string; status?: number };
    if (err.type === 'entity.too.large') throw new ApiError(413, `body larger than ${sizeText(limitBytes)}`);
    throw new ApiError(400, 'could not read the body');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ApiError(400, 'the body is not UTF-8 text (save a spreadsheet as “CSV UTF-8”)');
  }
  return text.replace(/^\uFEFF/, '');
}

/**
 * Whether an import upload is a spreadsheet saved as CSV (labelled however the browser or Excel
 * labels it) rather than JSON; `expected` is the 415 message for anything else.
 */
export function isCsvUpload(ctx: Context, expected: string): boolean {
  const csv = Boolean(ctx.is('text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'));
  if (!csv && !ctx.is('json')) throw new ApiError(415, expected);
  return csv;
}

function sizeText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}

/**
 * RFC 4180 with the leniency of spreadsheet exports: "," between cells; CRLF, LF or CR between
 * records; a cell that starts with a quote runs to the closing quote ("" is a quote inside it) and
 * may hold commas and line breaks. A stray quote inside an unquoted cell is kept as text. The
 * caller strips a BOM. Every record is returned, blank ones included, so indexes match the rows
 * of the spreadsheet it came from.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let inQuotes = false;
  let cellWasQuoted = false;
  let line = 1;
  let quoteLine = 0;
  const endCell = () => {
    record.push(cell);
    cell = '';
    cellWasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cell += ch;
      }
    } else if (ch === '"' && !cellWasQuoted && cell.trim() === '') {
      inQuotes = true;
      cellWasQuoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endCell();
      records.push(record);
      record = [];
      line++;
    } else {
      cell += ch;
    }
  }
  if (inQuotes) throw new CsvError(`a quoted cell starting on line ${quoteLine} is never closed`);
  if (cell !== '' || cellWasQuoted || record.length > 0) {
    endCell();
    records.push(record);
  }
  return records;
}

/** One data row of a CSV table: the spreadsheet's row number, its non-empty cells by column. */
export interface CsvRow {
  row: number;
  fields: Record<string, string>;
  /** Set when the row cannot be read as a whole (more cells than the header has columns). */
  problem?: string;
}

export interface CsvTableShape {
  /** Column names as the API spells them, in the order the error messages list them. */
  columns: readonly string[];
  /** Columns the header must have. */
  required: readonly string[];
  /** Other header texts accepted for a column (e.g. the Chinese headings of a company spreadsheet). */
  aliases?: Readonly<Record<string, string>>;
}

/**
 * A CSV whose first non-blank line is a header naming the columns (without regard to case).
 * Blank rows are skipped; empty cells are left out of `fields`, so an import leaves those
 * fields as they were. An unreadable file or header is a 400 for the whole file.
 */
export function csvTable(text: string, shape: CsvTableShape): CsvRow[] {
  const expected = shape.columns.join(',');
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new ApiError(400, `invalid CSV: ${error.message}`);
    throw error;
  }
  const headerIndex = records.findIndex((r) => r.some((c) => c.trim() !== ''));
  if (headerIndex < 0) throw new ApiError(400, `the CSV is empty: the first line must be the header ${expected}`);
  const aliases = new Map(Object.entries(shape.aliases ?? {}).map(([alias, column]) => [alias.toLowerCase(), column]));
  const columns: string[] = [];
  for (const cell of records[headerIndex]) {
    const text = cell.trim().toLowerCase();
    const name = shape.columns.find((c) => c.toLowerCase() === text) ?? aliases.get(text);
    if (!name) {
      if (text === '') {
        columns.push('');
        continue;
      }
      throw new ApiError(400, `unknown CSV column: ${cell.trim().slice(0, 40)} (expected ${expected})`);
    }
    if (columns.includes(name)) throw new ApiError(400, `CSV column ${name} appears twice`);
    columns.push(name);
  }
  const missing = shape.required.filter((c) => !columns.includes(c));
  if (missing.length) throw new ApiError(400, `the CSV header lacks ${missing.join(', ')} (expected ${expected})`);

  const rows: CsvRow[] = [];
  records.forEach((cells, index) => {
    if (index <= headerIndex || cells.every((c) => c.trim() === '')) return;
    const row = index + 1; // the spreadsheet's row number: the header is row 1
    const extra = cells.slice(columns.length).filter((c) => c.trim() !== '');
    const fields: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = (cells[i] ?? '').trim();
      if (column && value !== '') fields[column] = value;
    });
    rows.push({ row, fields, problem: extra.length ? `the row has ${cells.length} cells, the header ${columns.length}` : undefined });
  });
  return rows;
}
