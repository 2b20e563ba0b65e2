/**
 * The one CSV writer every export uses (penalties, housekeeper performance), so none can forget
 * formula neutralising. It lives in src/lib, which imports nothing of ours: the admin API
 * (src/api/penalties.ts) and the handlers (reports/performance.ts) both use it, and the handlers
 * never depend on the API. The reader for imports stays with the API (src/api/csv.ts).
 */

export type CsvValue = string | number | null | undefined;

/**
 * A cell as spreadsheets read it. Text that starts with = + - @ (or a tab / carriage return,
 * which Excel skips before looking for one) would run as a formula when HR opens the file, and
 * some of it is free text typed in chat: it gets a leading single quote, which Excel and WPS show
 * as text. Numbers are the export's own and stay numbers. Quoted (RFC 4180) when it holds a
 * quote, comma or line break.
 */
export function csvCell(value: CsvValue): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole export: UTF-8 with a BOM (so Excel reads the Chinese right), CRLF after every line. */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return '\ufeff' + [header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
