import { Component, input } from '@angular/core';
import { ProductMarkComponent } from '../../ui/product-mark.component';

/**
 * The frame of every page a person sees before the console: product mark, a heading and a
 * single panel. Forms inside refer to the heading with `aria-labelledby="auth-heading"`.
 */
@Component({
  selector: 'sb-auth-page',
  imports: [ProductMarkComponent],
  templateUrl: './auth-page.component.html',
  styleUrl: './auth-page.component.css',
})
export class AuthPageComponent {
  readonly heading = input.required<string>();
  readonly lead = input<string>();
}
