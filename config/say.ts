import { MESSAGES } from './messages.zh-CN';

/**
 * The one way code turns a catalogue key into the words a person reads.
 *
 * Keys are the literal keys of MESSAGES, so an unknown key is a type error. A text's placeholders
 * (`{caseNo}`) are read from its literal type, so a call that leaves one out does not compile
 * either; at run time a missing or undefined value throws, naming the key and the placeholder,
 * rather than letting 「{caseNo}」 reach a customer.
 */

export type MessageKey = keyof typeof MESSAGES;

/** The placeholder names of a text, e.g. 'caseNo' | 'time' for 「编号 {caseNo}，{time}前」. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

export type ParamsOf<K extends MessageKey> = Placeholders<(typeof MESSAGES)[K]>;
export type Params<K extends MessageKey> = Record<ParamsOf<K>, string | number>;

/** Arguments after the key: none for a text without placeholders, a params object otherwise. */
export type SayArgs<K extends MessageKey> = [ParamsOf<K>] extends [never] ? [params?: Record<string, never>] : [params: Params<K>];

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The placeholder names a text uses, in order of first appearance (tests and the run-time check). */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

export class MessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageError';
  }
}

/** The text of `key` with its placeholders filled. Throws MessageError for an unknown key or a missing value. */
export function say<K extends MessageKey>(key: K, ...args: SayArgs<K>): string {
  const text: string | undefined = Object.prototype.hasOwnProperty.call(MESSAGES, key) ? (MESSAGES as Record<string, string>)[key] : undefined;
  if (text === undefined) throw new MessageError(`unknown message key "${String(key)}"`);
  const params = (args[0] ?? {}) as Record<string, string | number | undefined | null>;
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new MessageError(`message "${String(key)}" needs {${name}}`);
    return String(value);
  });
}

/** Short alias for places that build many lines. */
export const t = say;

/** Keys whose text has no placeholders: safe to hold in a variable typed by this and say() alone. */
export type PlainKey = { [K in MessageKey]: [ParamsOf<K>] extends [never] ? K : never }[MessageKey];

/**
 * A name looked up from data, e.g. `common.category.${ticket.category}`: the text of that key, or
 * of `fallback` (a key) when the data holds a value the catalogue does not name.
 */
export function sayName(key: string, fallback: PlainKey): string {
  const text = isMessageKey(key) ? (MESSAGES as Record<string, string>)[key] : undefined;
  if (text !== undefined && placeholdersOf(text).length === 0) return text;
  return say(fallback);
}

/** Whether a string is a catalogue key (for keys built at run time from data, e.g. `name.category.${c}`). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(MESSAGES, key);
}
