/** Who the storefront says the visitor is. `identityHash` is the storefront server's HMAC of `identifier`. */
export interface VisitorIdentity {
  identifier?: string;
  identityHash?: string;
  name?: string;
}

/** What the embedding `<script data-key=… src=…>` tag tells the widget. */
export interface EmbedOptions {
  key: string;
  /** Origin of the hub that served the script: the config API and the socket live there. */
  hubOrigin: string;
  identity: VisitorIdentity;
}

/**
 * The widget's own `<script>` tag. `currentScript` is only set while the script first runs, so
 * call this synchronously at start-up; the selector is for loaders that inject the tag.
 */
export function findEmbedScript(doc: Document): HTMLScriptElement | null {
  const current = doc.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset['key']) return current;
  return doc.querySelector<HTMLScriptElement>('script[data-key][src*="widget"]') ?? doc.querySelector<HTMLScriptElement>('script[data-key]');
}

/** Reads the key, the hub origin and any identity attributes from the tag; undefined without a key. */
export function readEmbedOptions(script: HTMLScriptElement, pageUrl: string): EmbedOptions | undefined {
  const key = script.dataset['key']?.trim();
  if (!key) return undefined;
  const hubOrigin = new URL(script.src || pageUrl, pageUrl).origin;
  return {
    key,
    hubOrigin,
    identity: cleanIdentity({
      identifier: script.dataset['identifier'],
      identityHash: script.dataset['identityHash'],
      name: script.dataset['name'],
    }),
  };
}

/** Drops empty and over-long values, and a hash that is not 64 hex characters, as the handshake would refuse them. */
export function cleanIdentity(input: Partial<Record<keyof VisitorIdentity, unknown>>): VisitorIdentity {
  const identity: VisitorIdentity = {};
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim().length > 0 ? value.trim().slice(0, 255) : undefined;
  const identifier = text(input.identifier);
  const name = text(input.name);
  const hash = text(input.identityHash)?.toLowerCase();
  if (identifier) identity.identifier = identifier;
  if (name) identity.name = name;
  if (identifier && hash && /^[a-f0-9]{64}$/.test(hash)) identity.identityHash = hash;
  return identity;
}
