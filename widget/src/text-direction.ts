const rightToLeftLanguages = new Set(['ar', 'he', 'iw', 'fa', 'ur', 'ps', 'sd', 'yi', 'ckb', 'dv', 'ug']);

/** True for a BCP 47 tag whose language is written right to left (`ar`, `he-IL`, `fa`, `ur-PK`, …). */
export function isRightToLeft(locale: string | undefined): boolean {
  const language = locale?.split(/[-_]/)[0]?.toLowerCase();
  return language !== undefined && rightToLeftLanguages.has(language);
}
