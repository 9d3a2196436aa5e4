import type { Branding } from '@switchboard/contracts';

/** Relative luminance of a `#rrggbb` colour (WCAG 2.x). */
function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/**
 * Applies a tenant's brand colour to the console by overriding `--sb-primary` (styles.css
 * derives every shade from it), with white or near-black text on it, whichever reads better.
 * Without a colour the defaults come back.
 */
export function applyBranding(root: HTMLElement, branding: Branding | undefined): void {
  const color = branding?.primaryColor;
  if (color === undefined || !/^#[0-9a-fA-F]{6}$/.test(color)) {
    root.style.removeProperty('--sb-primary');
    root.style.removeProperty('--sb-primary-contrast');
    return;
  }
  const onColor = (luminance(color) + 0.05) / 0.05 < 1.05 / (luminance(color) + 0.05) ? '#ffffff' : '#1a1f29';
  root.style.setProperty('--sb-primary', color);
  root.style.setProperty('--sb-primary-contrast', onColor);
}
