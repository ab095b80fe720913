/**
 * PostgreSQL `text` cannot hold U+0000 (22P05), and UTF-8 cannot carry a lone UTF-16
 * surrogate; either in one entry would fail the whole batch it travels in. An entry's
 * text is made storable before it is hashed or queued: NUL and each unpaired surrogate become
 * U+FFFD (as `String.prototype.toWellFormed` does for surrogates), so what is hashed is
 * exactly what the store keeps and the verifier recomputes. Pure.
 */
// NUL is matched on purpose: it is what PostgreSQL refuses.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HAS_UNSTORABLE = new RegExp(UNSTORABLE.source);

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

export function isStorableText(text: string): boolean {
  return !HAS_UNSTORABLE.test(text);
}
