const mimePattern = /^[\w.+-]+\/[\w.+-]+$/;

/** A MIME type as stored and served: lower case, or `application/octet-stream` when it is not one. */
export function cleanMimeType(mimeType: string): string {
  return mimePattern.test(mimeType) ? mimeType.toLowerCase() : 'application/octet-stream';
}

/** A file name as a person gave it, without path separators or control characters. */
export function safeFileName(name: string): string | undefined {
  const clean = [...name].map((character) => (character < ' ' || character === '/' || character === '\\' || character === '\u007f' ? '_' : character)).join('').trim();
  return clean.slice(0, 255) || undefined;
}
