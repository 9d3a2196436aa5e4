const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A random id of `length` characters from [A-Za-z0-9_-]: 64 symbols, so `byte & 63` is unbiased. */
export function randomId(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  for (const byte of bytes) id += idAlphabet[byte & 63];
  return id;
}

/** What the widget remembers about a visitor between page loads, per channel key. */
export interface VisitorStore {
  /** The anonymous visitor id, created on first use and kept. */
  readonly visitorId: string;
  /** True once this visitor has a conversation: the widget then connects on page load. */
  hasConversation(): boolean;
  rememberConversation(conversationId: string): void;
}

/**
 * Keeps `sb_visitor_<key>` and `sb_conv_<key>` in localStorage. Storage can be missing or throw
 * (Safari private mode, blocked cookies, sandboxed frames); then the ids live for this page only.
 */
export function createVisitorStore(key: string, storage: Storage | undefined): VisitorStore {
  const visitorKey = `sb_visitor_${key}`;
  const conversationKey = `sb_conv_${key}`;
  const memory = new Map<string, string>();
  const read = (name: string): string | null => {
    try {
      return storage?.getItem(name) ?? memory.get(name) ?? null;
    } catch {
      return memory.get(name) ?? null;
    }
  };
  const write = (name: string, value: string): void => {
    memory.set(name, value);
    try {
      storage?.setItem(name, value);
    } catch {
      // Quota or privacy settings: the in-memory copy still serves this page.
    }
  };

  let visitorId = read(visitorKey);
  if (visitorId === null || !/^[A-Za-z0-9_-]{8,128}$/.test(visitorId)) {
    visitorId = randomId(32);
    write(visitorKey, visitorId);
  }
  return {
    visitorId,
    hasConversation: () => read(conversationKey) !== null,
    rememberConversation: (conversationId) => write(conversationKey, conversationId),
  };
}
