import { textProblem as unstorableText } from '../api/text-check';

// What we will not store as if it were the sender's text: what PostgreSQL cannot hold at all (U+0000, an unpaired
// UTF-16 surrogate; see api/text-check), and U+FFFD, which a UTF-8 decoder leaves where the bytes were not valid
// UTF-8 (every HTTP body here is decoded that way), so that the value is no longer what the sender had: matching or
// showing it would change the record in silence.
// Null when the value can be stored; otherwise why not, as the end of a sentence about the field.
export function textProblem(value: string): string | null {
  const problem = unstorableText(value);
  if (problem) return problem;
  if (value.includes('\ufffd')) return 'contains U+FFFD, the replacement for bytes that were not valid UTF-8';
  return null;
}

// JSON.stringify writes U+0000 as \u0000 and an unpaired surrogate as \udXXX (lower-case hex, always escaped); a
// literal backslash is written doubled. An escape is therefore an odd run of backslashes before "u0000"/"udXXX".
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/g;

// Makes the output of JSON.stringify acceptable to ::jsonb (which refuses \u0000 and unpaired surrogates, so that one
// such value fails the whole statement it is in) by writing those characters out as text: the stored
// string holds the six characters `\u0000` (or `\ud800`) where the sender had the character. Used for every payload the event
// store writes: a vendor record's raw fields that its connector does not read, a rejected record as it came, and as
// the last line should a normalized field get here unchecked (connectors and the push check those with textProblem).
export function jsonbSafe(json: string): string {
  if (!json.includes('\\u0000') && !/\\ud[89a-f]/.test(json)) return json;
  return json.replace(UNSTORABLE_ESCAPE, '$1\\\\u$2');
}
