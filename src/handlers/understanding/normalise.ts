import * as OpenCC from 'opencc-js';

/** Longer messages are cut before matching: nothing useful hides after 4,000 characters. */
const MAX_CHARS = 4000;

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/** NFKC turns full-width letters, digits and punctuation into ASCII; OpenCC turns 繁體 into 简体. */
export function normalize(text: string): string {
  const s = (text ?? '').slice(0, MAX_CHARS).normalize('NFKC');
  return toSimplified(s).replace(/\s+/g, ' ').trim();
}
