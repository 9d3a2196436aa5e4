import { Component, signal } from '@angular/core';
import { form, FormField, FormRoot, required } from '@angular/forms/signals';
import { RouterLink } from '@angular/router';

interface Credentials {
  email: string;
  password: string;
}

/**
 * The sign-in page. Authentication arrives with the identity feature (POST /api/v1/auth/login);
 * until then the form checks that both fields are filled and says plainly that nothing was sent.
 */
@Component({
  selector: 'sb-login',
  imports: [FormField, FormRoot, RouterLink],
  templateUrl: './login.component.html',
  styleUrl: './login.component.css',
})
export class LoginComponent {
  private readonly credentials = signal<Credentials>({ email: '', password: '' });

  /** Set once someone submits, so the page can say that sign-in is not connected yet. */
  protected readonly attempted = signal(false);

  protected readonly loginForm = form(
    this.credentials,
    (path) => {
      required(path.email);
      required(path.password);
    },
    {
      submission: {
        action: async () => {
          this.attempted.set(true);
          return undefined;
        },
      },
    },
  );
}
