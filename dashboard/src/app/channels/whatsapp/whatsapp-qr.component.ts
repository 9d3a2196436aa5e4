import { Component, computed, input } from '@angular/core';
import { create } from 'qrcode';

/** The dark modules of a QR code as one SVG path, one unit per module. */
function qrPath(text: string): { size: number; path: string } | null {
  let modules;
  try {
    ({ modules } = create(text, { errorCorrectionLevel: 'L' }));
  } catch {
    // A payload too long for a QR code; whatsapp-web.js's never are.
    return null;
  }
  let path = '';
  for (let row = 0; row < modules.size; row += 1) {
    for (let column = 0; column < modules.size; column += 1) {
      if (modules.get(row, column)) path += `M${column} ${row}h1v1h-1z`;
    }
  }
  return { size: modules.size, path };
}

/**
 * A WhatsApp pairing QR code, drawn in the browser from the payload the session reported, and
 * redrawn whenever a new one arrives (they rotate about every 20 seconds). The encoder (`qrcode`)
 * is bundled with the lazily loaded channels page only.
 */
@Component({
  selector: 'sb-whatsapp-qr',
  template: `
    @if (code(); as code) {
      <svg [attr.viewBox]="viewBox()" role="img" aria-label="QR code to link WhatsApp" shape-rendering="crispEdges" data-testid="whatsapp-qr" [attr.data-qr]="qr()">
        <rect [attr.x]="-quiet" [attr.y]="-quiet" [attr.width]="code.size + quiet * 2" [attr.height]="code.size + quiet * 2" fill="#ffffff" />
        <path [attr.d]="code.path" fill="#000000" />
      </svg>
    } @else {
      <p class="sb-alert" role="alert">The QR code could not be drawn. Close this and try again.</p>
    }
  `,
  styles: `
    :host { display: block; }
    svg { display: block; width: 264px; height: 264px; max-width: 100%; }
  `,
})
export class WhatsappQrComponent {
  /** The QR payload as whatsapp-web.js emits it. */
  readonly qr = input.required<string>();

  /** Quiet zone around the code, in modules (the standard asks for 4). */
  protected readonly quiet = 4;
  protected readonly code = computed(() => qrPath(this.qr()));
  protected readonly viewBox = computed(() => {
    const size = (this.code()?.size ?? 21) + this.quiet * 2;
    return `${-this.quiet} ${-this.quiet} ${size} ${size}`;
  });
}
