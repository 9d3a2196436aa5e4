import type { WidgetConfig } from '@switchboard/contracts';

/** Fallback colour when the tenant's is not a colour the browser understands. */
const defaultColor = '#2563eb';

function isWidgetConfig(value: unknown): value is WidgetConfig {
  if (typeof value !== 'object' || value === null) return false;
  const config = value as Record<string, unknown>;
  return typeof config['tenantName'] === 'string' && typeof config['primaryColor'] === 'string'
    && typeof config['welcomeMessage'] === 'string' && typeof config['available'] === 'boolean'
    && typeof config['locale'] === 'string';
}

/**
 * `GET /api/v1/widget/:key/config` on the hub. Undefined when the key is unknown, the hub is
 * unreachable or the answer is not a WidgetConfig: the storefront then simply shows no chat.
 */
export async function fetchWidgetConfig(hubOrigin: string, key: string): Promise<WidgetConfig | undefined> {
  try {
    const response = await fetch(`${hubOrigin}/api/v1/widget/${encodeURIComponent(key)}/config`, {
      credentials: 'omit',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) return undefined;
    const body: unknown = await response.json();
    return isWidgetConfig(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The tenant's colour if it is a valid CSS colour, else the default. */
export function safeColor(color: string): string {
  return typeof CSS !== 'undefined' && CSS.supports('color', color) ? color : defaultColor;
}

/** Black or white, whichever reads better on `color` (WCAG relative luminance; non-hex colours get white). */
export function textColorOn(color: string): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (hex === undefined) return '#ffffff';
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
  const [r = 0, g = 0, b = 0] = [0, 2, 4].map((start) => {
    const channel = parseInt(full.slice(start, start + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white vs. with black: (1.05)/(L+0.05) against (L+0.05)/(0.05).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#111827';
}
