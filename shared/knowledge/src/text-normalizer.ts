/**
 * Folds text for matching: lowercase, no Latin accents, and Arabic without diacritics or
 * tatweel, with alef, yeh and teh-marbuta variants unified, so "أريد" and "اريد", "موظّف"
 * and "موظف" compare equal.
 */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // Latin combining accents
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '') // Arabic harakat, superscript alef, tatweel
    .replace(/[إأآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
