/**
 * Chinese text for the search benchmark: the sentences of ../shared/seeds/*.txt (news articles
 * about the 政务服务工作交流 group), split on Chinese sentence punctuation, and documents composed
 * of random sentences with a deterministic generator.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_SEEDS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../shared/seeds');

/** Xorshift32: deterministic for a given seed, fast enough for millions of draws. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/**
 * Sentences: split after 。！？；… and at line ends; full-width spaces and spacing between letters
 * (the source has "Q Q 群") removed. Sentences under 4 characters are dropped, and a sentence
 * longer than 120 characters is cut at its commas into pieces of about that length.
 */
export function loadSentences(dir = DEFAULT_SEEDS_DIR): string[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  if (!files.length) throw new Error(`no .txt files in ${dir}`);
  const out: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const raw of text.split(/(?<=[。！？；…!?;])|[\r\n]+|\u3000{2,}/u)) {
      const sentence = raw.replace(/[\s\u3000]+/gu, '').replace(/^[，、：”’）》]+/u, '');
      if ([...sentence].length < 4) continue;
      if (sentence.length <= 120) {
        out.push(sentence);
        continue;
      }
      let piece = '';
      for (const part of sentence.split(/(?<=[，：])/u)) {
        if (piece && piece.length + part.length > 120) (out.push(piece), (piece = ''));
        piece += part;
      }
      if ([...piece].length >= 4) out.push(piece);
    }
  }
  return out;
}

export class Composer {
  constructor(
    private readonly sentences: string[],
    private readonly rand: () => number,
  ) {}

  sentence(): string {
    return this.sentences[Math.floor(this.rand() * this.sentences.length)];
  }

  /** `min`..`max` random sentences, joined as written. */
  text(min: number, max: number): string {
    const count = min + Math.floor(this.rand() * (max - min + 1));
    let text = '';
    for (let i = 0; i < count; i++) text += this.sentence();
    return text;
  }

  /** A chat message: mostly one sentence, sometimes two or three, now and then a short paragraph. */
  message(): string {
    const r = this.rand();
    return r < 0.6 ? this.sentence() : r < 0.92 ? this.text(2, 3) : this.text(4, 6);
  }

  /** A thread title: the start of a sentence, at most 40 characters, without its end punctuation. */
  title(): string {
    return this.sentence().replace(/[。！？；…!?;，]+$/u, '').slice(0, 40);
  }
}
