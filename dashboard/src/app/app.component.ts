import { Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';

/** Root of the console: everything visible is decided by the router (login page or shell). */
@Component({
  selector: 'sb-root',
  imports: [RouterOutlet],
  template: '<router-outlet />',
})
export class AppComponent {}
