import { normalizeForMatching } from './text-normalizer.ts';
import type { Embedder } from './embedder.ts';

export interface LocalEmbedderOptions {
  /** Vector length. Default 1024. */
  dimension?: number;
}

// Words that say nothing about which document answers a question, in English, French and
// Arabic; without them every question would look alike ("how do I ...").
const stopwords = new Set(
  [
    'a', 'an', 'the', 'is', 'are', 'was', 'be', 'been', 'do', 'does', 'did', 'can', 'could', 'will', 'would', 'should', 'may',
    'i', 'me', 'my', 'we', 'our', 'us', 'you', 'your', 'it', 'its', 'they', 'them', 'their', 'this', 'that', 'these', 'those',
    'to', 'of', 'in', 'on', 'at', 'for', 'from', 'by', 'with', 'about', 'as', 'into', 'and', 'or', 'but', 'if', 'so', 'than',
    'what', 'how', 'when', 'where', 'which', 'who', 'why', 'there', 'here', 'have', 'has', 'had', 'get', 'any', 'some',
    'please', 'hi', 'hello', 'thanks', 'just', 'also', 'all', 'not', 'no', 'yes',
    'le', 'la', 'les', 'l', 'de', 'des', 'du', 'd', 'un', 'une', 'est', 'sont', 'et', 'ou', 'en', 'au', 'aux', 'a', 'pour',
    'par', 'sur', 'dans', 'avec', 'que', 'qui', 'quoi', 'quel', 'quelle', 'quels', 'quelles', 'comment', 'quand', 'ou',
    'je', 'j', 'tu', 'il', 'elle', 'nous', 'vous', 'ils', 'elles', 'mon', 'ma', 'mes', 'votre', 'vos', 'ce', 'cette', 'ces',
    'ne', 'pas', 'se', 's', 'y', 'c', 'qu', 'n', 'peux', 'peut', 'puis', 'bonjour', 'merci',
    'في', 'من', 'على', 'الى', 'إلى', 'عن', 'هل', 'ما', 'ماذا', 'كيف', 'متى', 'اين', 'أين', 'كم', 'هي', 'هو', 'انا', 'أنا',
    'انت', 'أنت', 'لكم', 'عندكم', 'لدي', 'لديكم', 'و', 'او', 'أو', 'مع', 'هذا', 'هذه', 'ذلك', 'التي', 'الذي', 'يمكن', 'يمكنني', 'ان', 'أن',
  ].map(normalizeForMatching),
);

// Arabic clitics glued to the front of a word: "و" (and), "ب" (with), "ل" (for), "ف", "ك",
// each usually before the article "ال".
const arabicPrefixes = ['وال', 'بال', 'فال', 'كال', 'لل', 'ال'];
const arabicLetter = /[\u0600-\u06FF]/;

/**
 * Reduces a normalised word to a rough stem: the Arabic article and its clitics, and common
 * English/French plural and verb endings. Crude on purpose; the character n-grams cover the rest.
 */
export function stem(word: string): string {
  if (arabicLetter.test(word)) {
    for (const prefix of arabicPrefixes) {
      if (word.startsWith(prefix) && word.length - prefix.length >= 2) return word.slice(prefix.length);
    }
    return word;
  }
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && (word.endsWith('s') || word.endsWith('x')) && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** The content words of a text, normalised and stemmed, in order. */
export function contentTokens(text: string): string[] {
  return normalizeForMatching(text)
    .split(' ')
    .filter((word) => word !== '' && !stopwords.has(word))
    .map(stem);
}

/**
 * A deterministic embedder that needs no model and no network: feature hashing of stemmed
 * words and of their character 3- and 4-grams (which survive typos and inflection), with
 * sublinear term frequency and L2 normalisation, so cosine similarity measures shared content.
 */
export class LocalEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;

  constructor(options: LocalEmbedderOptions = {}) {
    this.dimension = options.dimension ?? 1024;
    if (!Number.isInteger(this.dimension) || this.dimension < 16) throw new RangeError(`dimension must be an integer >= 16, got ${this.dimension}`);
    this.id = `local-hash-v1-${this.dimension}`;
  }

  embed(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((text) => this.embedOne(text)));
  }

  private embedOne(text: string): number[] {
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number): void => {
      counts.set(feature, (counts.get(feature) ?? 0) + weight);
    };
    for (const token of contentTokens(text)) {
      add(`w:${token}`, 1);
      const padded = `<${token}>`;
      // Each word spreads one unit over its n-grams, so long words do not outweigh short ones.
      const grams = [...charGrams(padded, 3), ...charGrams(padded, 4)];
      for (const gram of grams) add(`g:${gram}`, 1 / grams.length);
    }
    const vector = new Array<number>(this.dimension).fill(0);
    for (const [feature, count] of counts) {
      const hash = fnv1a(feature);
      const slot = hash % this.dimension;
      // A second bit picks the sign, so collisions cancel out on average instead of adding up.
      const sign = (hash >>> 31) === 1 ? -1 : 1;
      const weight = feature.startsWith('w:') ? 1 + Math.log(count) : gramWeight * Math.sqrt(count);
      vector[slot] = (vector[slot] ?? 0) + sign * weight;
    }
    const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    return norm === 0 ? vector : vector.map((value) => value / norm);
  }
}

/** How much the n-grams of a word count against the word itself (both grow sublinearly). */
const gramWeight = 0.6;

function charGrams(word: string, n: number): string[] {
  const chars = [...word];
  const grams: string[] = [];
  for (let i = 0; i + n <= chars.length; i += 1) grams.push(chars.slice(i, i + n).join(''));
  return grams;
}

/** 32-bit FNV-1a over UTF-16 code units; stable across runs and machines. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
