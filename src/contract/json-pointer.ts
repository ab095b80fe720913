/**
 * JSON Pointers (RFC 6901), the path format of every problem the contract layer reports:
 * `/luong/heSo`, `/records/0/data/danhGia/1/xepLoai/ma`. The root is the empty string.
 */
export function escapePointerToken(token: string | number): string {
  // Field names and indexes almost never need escaping: skip the two replacements then.
  const text = typeof token === 'string' ? token : String(token);
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

/** The inverse of escapePointerToken: `a~1b` is the token `a/b`. */
export function decodePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(t)}`).join('');
}

/** `child('/luong', 'heSo')` is `/luong/heSo`. */
export function childPointer(parent: string, token: string | number): string {
  return `${parent}/${escapePointerToken(token)}`;
}
