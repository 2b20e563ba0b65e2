import pino, { type Logger } from 'pino';

/**
 * Logs never carry personal data (R-SC-1): known personal fields are censored wherever they
 * appear, and errors are reduced to their type, code and message (a database error would
 * otherwise print its query parameters).
 */

const PERSONAL_FIELDS = ['phone', 'mobile', 'address', 'idNumber', 'name', 'text', 'content', 'Content', 'emergencyContacts', 'payload', 'body', 'echostr'];

export const REDACT_PATHS = PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

function errorSerializer(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 200) };
  const err = error as Error & { code?: unknown; errno?: unknown; errcode?: unknown; driverError?: { code?: unknown } };
  return {
    type: err.name,
    message: err.message.split('\n')[0].slice(0, 300),
    code: err.code ?? err.driverError?.code ?? err.errcode,
    stack: err.stack?.split('\n').slice(1, 6).join('\n'),
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'after-sales-bot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: errorSerializer },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
