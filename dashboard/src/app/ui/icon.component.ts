import { Component, computed, input } from '@angular/core';

/** A circle as path data, so every icon is a plain list of strokes. */
function circle(cx: number, cy: number, r: number): string {
  return `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
}

// 24×24 stroke icons drawn for the console; kept inline so the shell needs no icon font or request.
const iconPaths = {
  inbox: ['M4 13h4.5l1.5 2.5h4l1.5-2.5H20', 'M6.5 5h11L20 13v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1v-5z'],
  captures: ['M9 4h6v3H9z', 'M15 5.5h3v14.5H6V5.5h3', 'M9 13.5l2 2 4-4'],
  channels: ['M4 5h11v8H8.5L5 16v-3H4z', 'M15 9h5v8h-1v3l-3.5-3H11v-4'],
  bot: ['M6 9h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1z', 'M12 5v4', circle(12, 4, 1), 'M9.5 13v1', 'M14.5 13v1', 'M10 16.5h4'],
  knowledge: ['M5 18.5V6a2 2 0 0 1 2-2h12v13H7a2 2 0 0 0-2 2 2 2 0 0 0 2 2h12', 'M9 8h6'],
  team: [circle(9, 8, 3), 'M3.5 19a5.5 5.5 0 0 1 11 0', circle(17, 9, 2.25), 'M16 14a4.5 4.5 0 0 1 5 4.5'],
  billing: ['M4 6h16a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1z', 'M3 10h18', 'M7 14.5h3'],
  audit: ['M12 3.5l7 2.5v5.5c0 4.2-3 7.6-7 8.9-4-1.3-7-4.7-7-8.9V6z', 'M9 12l2 2 4-4'],
  menu: ['M4 7h16', 'M4 12h16', 'M4 17h16'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  signIn: ['M14 4h4a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1h-4', 'M10 8l4 4-4 4', 'M14 12H4'],
  compass: [circle(12, 12, 8.5), 'M15.5 8.5l-2 5-5 2 2-5z'],
  settings: ['M4 7h9', 'M17 7h3', circle(15, 7, 2), 'M4 17h3', 'M11 17h9', circle(9, 17, 2), 'M4 12h5', 'M13 12h7', circle(11, 12, 2)],
  tenants: ['M4 20V6l7-2v16', 'M11 9h8v11', 'M3 20h18', 'M7 8v.01', 'M7 12v.01', 'M7 16v.01', 'M15 13v.01', 'M15 17v.01'],
  profile: [circle(12, 8, 3.5), 'M5 20a7 7 0 0 1 14 0'],
  signOut: ['M10 4H6a1 1 0 0 0-1 1v14a1 1 0 0 0 1 1h4', 'M15 8l4 4-4 4', 'M19 12H9'],
  copy: ['M9 9h10v10H9z', 'M5 15V5h10'],
} as const satisfies Record<string, readonly string[]>;

export type IconName = keyof typeof iconPaths;

/** A decorative icon; the accessible name always comes from the text next to it. */
@Component({
  selector: 'sb-icon',
  template: `
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      @for (d of paths(); track $index) {
        <path [attr.d]="d" />
      }
    </svg>
  `,
  styles: `
    :host {
      display: inline-flex;
      flex: none;
    }
    svg {
      width: var(--sb-icon-size, 1.25rem);
      height: var(--sb-icon-size, 1.25rem);
      fill: none;
      stroke: currentColor;
      stroke-width: 1.75;
      stroke-linecap: round;
      stroke-linejoin: round;
    }
  `,
})
export class IconComponent {
  readonly name = input.required<IconName>();

  protected readonly paths = computed(() => iconPaths[this.name()]);
}
