// What PostgreSQL cannot hold, and what we will not store as if it were the sender's text.
//
// - U+0000: text columns refuse it ("invalid byte sequence for encoding UTF8: 0x00") and jsonb refuses the escape
//   \u0000 ("unsupported Unicode escape sequence"), so one such value fails the whole statement it is in.
// - An unpaired UTF-16 surrogate (JSON allows "\ud800"): not a Unicode character; jsonb refuses it too.
// - U+FFFD: what a UTF-8 decoder leaves where the bytes were not valid UTF-8 (every HTTP body here is decoded that
//   way), so the value is no longer what the sender had; matching or showing it would change the record in silence.

const SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// Null when the value can be stored as the sender's text; otherwise why not, as the end of a sentence about the field.
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'holds a NUL character (U+0000)';
  if (SURROGATE.test(value)) return 'holds an unpaired UTF-16 surrogate, which is not a Unicode character';
  if (value.includes('\ufffd')) return 'is not valid UTF-8 (it holds U+FFFD, the replacement for bytes that could not be decoded)';
  return null;
}

// JSON.stringify writes U+0000 as \u0000 and an unpaired surrogate as \udXXX (lower-case hex, always escaped); a
// literal backslash is written doubled. An escape is therefore an odd run of backslashes before "u0000"/"udXXX".
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/g;

// Makes the output of JSON.stringify acceptable to ::jsonb by writing those characters out as text: the stored
// string holds the six characters `\u0000` (or `\ud800`) where the sender had the character. Used for raw payloads,
// which are kept for reference beside the normalized fields (those are checked with textProblem before they get here).
export function jsonbSafe(json: string): string {
  if (!json.includes('\\u0000') && !/\\ud[89a-f]/.test(json)) return json;
  return json.replace(UNSTORABLE_ESCAPE, '$1\\\\u$2');
}
