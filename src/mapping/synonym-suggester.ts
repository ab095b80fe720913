import type { CodeList } from '../contract/national-contract.js';

/**
 * Suggestions for a vendor value no synonym or code matches (`mapping gaps`): the national
 * items ranked by a similarity of normalised names. Both sides are folded (case, diacritics,
 * punctuation), their words expanded with the usual abbreviations (mappings/abbreviations.json:
 * LLCT, QLNN, ĐH, ThS, HTXSNV...), and the words of the list's own title dropped ('Trung cấp
 * LLCT' in "Trình độ lý luận chính trị" is 'trung cap'). A suggestion is only ever shown: a
 * value matches only through a synonym an operator adds. Pure.
 */
export interface Suggestion {
  code: string;
  ten: string;
  /** 0..1, two decimals. */
  score: number;
}

/** Abbreviation or variant spelling -> what it stands for, as written in the data file. */
export type Abbreviations = Readonly<Record<string, string>>;

/** Scores below this say nothing useful about the value. */
const MIN_SCORE = 0.3;

/** Lower case, no diacritics (đ -> d), words of letters and digits only. */
export function foldWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** A dot inside a word ('Th.S', 'Đ.H', 'CC.LLCT', 'Tp.HCM'): the clerk's way of writing one abbreviation. */
const INNER_DOT = /(?<=\p{L})\.(?=\p{L})/gu;

/** The shortest piece a run-together word is cut into ('ThSQLHC' -> ths, qlhc). */
const MIN_PIECE = 2;

interface Phrases {
  /** Folded key words joined by a space -> the words it stands for. */
  table: Map<string, string[]>;
  longest: number;
}

function phrases(abbreviations: Abbreviations): Phrases {
  const table = new Map<string, string[]>();
  let longest = 1;
  for (const [short, long] of Object.entries(abbreviations)) {
    const key = foldWords(short);
    if (key.length === 0) continue;
    table.set(key.join(' '), foldWords(long));
    longest = Math.max(longest, key.length);
  }
  return { table, longest };
}

/** Replaces the longest runs of words that are a key ('chưa hoàn thành', 'LLCT'), left to right. */
function replacePhrases(words: string[], { table, longest }: Phrases): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    let taken = 0;
    for (let n = Math.min(longest, words.length - i); n > 0 && taken === 0; n -= 1) {
      const long = table.get(words.slice(i, i + n).join(' '));
      if (long) {
        out.push(...long);
        taken = n;
      }
    }
    if (taken === 0) {
      out.push(words[i]!);
      taken = 1;
    }
    i += taken;
  }
  return out;
}

/**
 * Cuts a word no key or name knows into the fewest known pieces ('cclllct' -> cc, llct;
 * 'bsckii' -> bs, ckii), or returns it whole when it cannot be cut.
 */
function segment(word: string, known: ReadonlySet<string>): string[] {
  const best: (string[] | undefined)[] = [[]];
  for (let end = MIN_PIECE; end <= word.length; end += 1) {
    for (let start = 0; start <= end - MIN_PIECE; start += 1) {
      const before = best[start];
      if (!before || !known.has(word.slice(start, end))) continue;
      const pieces = [...before, word.slice(start, end)];
      if (!best[end] || pieces.length < best[end]!.length) best[end] = pieces;
    }
  }
  const found = best[word.length];
  return found && found.length > 1 ? found : [word];
}

/**
 * Vendor text -> the word lists it may stand for: as written and, when it has dots inside words,
 * with them removed; abbreviations (one word or several) expanded; a word run together from
 * abbreviations or name words cut first. The caller keeps the best-scoring form.
 */
function expander(abbreviations: Abbreviations, vocabulary: Iterable<string>): (text: string) => string[][] {
  const table = phrases(abbreviations);
  const known = new Set([...table.table.keys()].filter((k) => !k.includes(' ')));
  for (const w of vocabulary) for (const f of foldWords(w)) known.add(f);
  const cut = (words: string[]): string[] => words.flatMap((w) => (known.has(w) ? [w] : segment(w, known)));
  return (text) => {
    const forms = [text];
    const undotted = text.replace(INNER_DOT, '');
    if (undotted !== text) forms.push(undotted);
    return forms.map((form) => replacePhrases(cut(foldWords(form)), table));
  };
}

function bigrams(words: string[]): Map<string, number> {
  const text = ` ${words.join(' ')} `;
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i += 1) {
    const g = text.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

function bigramDice(a: string[], b: string[]): number {
  const ga = bigrams(a);
  const gb = bigrams(b);
  let shared = 0;
  let total = 0;
  for (const [g, n] of ga) {
    shared += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * shared) / total;
}

/**
 * Word overlap against the shorter side (a value holding every word of a name scores high),
 * word Dice (the same words, nothing more, scores highest), letter pairs (typing slips), and
 * whether the shorter side's words stand together in the longer.
 */
export function similarity(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // The same letters split differently ('Ede', 'Ê-đê'; 'Thanh Hoa', 'Thanhhoa').
  if (a.join('') === b.join('')) return a.length === b.length ? 1 : 0.95;
  const sa = new Set(a);
  const sb = new Set(b);
  let common = 0;
  for (const w of sa) if (sb.has(w)) common += 1;
  const overlap = common / Math.min(sa.size, sb.size);
  const dice = (2 * common) / (sa.size + sb.size);
  // Words in the same order, side by side ('cao cap' in 'cao cap he tap trung', where 'trung
  // cap' is only scattered) break ties between names sharing the same words.
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const together = ` ${long.join(' ')} `.includes(` ${short.join(' ')} `) ? 0.05 : 0;
  return Math.min(1, 0.45 * overlap + 0.35 * dice + 0.15 * bigramDice(a, b) + together);
}

export interface SynonymSuggester {
  suggest(value: string, max?: number): Suggestion[];
}

export function createSuggester(list: CodeList, abbreviations: Abbreviations): SynonymSuggester {
  // The list's own names and codes are words a run-together value may be cut into ('CNCT').
  const vocabulary = list.items.flatMap((item) => [item.ten, item.ma]);
  const expand = expander(abbreviations, vocabulary);
  const titleWords = new Set(expand(list.title).flat());
  const withoutTitle = (words: string[]): string[] => {
    const kept = words.filter((w) => !titleWords.has(w));
    return kept.length > 0 ? kept : words;
  };
  // Each item is known by its name and by its code (HTXSNV, THS, CVC are codes and the
  // abbreviations clerks type).
  const candidates = list.items.map((item) => ({
    item,
    forms: [item.ten, item.ma].flatMap((t) => expand(t)).map(withoutTitle),
  }));
  return {
    suggest(value, max = 3) {
      const forms = expand(value).map(withoutTitle);
      const score = (names: string[][]): number => Math.max(...forms.flatMap((f) => names.map((n) => similarity(f, n))));
      return candidates
        .map(({ item, forms: names }) => ({ code: item.ma, ten: item.ten, score: score(names) }))
        .filter((s) => s.score >= MIN_SCORE)
        .sort((x, y) => y.score - x.score || x.code.localeCompare(y.code))
        .slice(0, max)
        .map((s) => ({ ...s, score: Math.round(s.score * 100) / 100 }));
    },
  };
}
