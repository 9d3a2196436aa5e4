import { Component, computed, inject, input, output, signal } from '@angular/core';
import type { ChannelView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FormAlertComponent } from '../forms/form-alert.component';
import { widgetSnippet } from './channel-state';
import { ChannelsApi } from './channels.api';

const originPattern = /^https?:\/\/[^/\s]+$/;

/**
 * The storefront widget's channel: the snippet to paste into the shop, the sites allowed to
 * embed it, whether signed-in customers must be identified with a signature, and the secret
 * that signs them.
 */
@Component({
  selector: 'sb-webchat-settings',
  imports: [FormAlertComponent],
  template: `
    @let view = channel();
    <div class="block">
      <h4 id="snippet-{{ view.id }}">Embed snippet</h4>
      <p class="sb-hint">Paste it before <code>&lt;/body&gt;</code> on every page of your shop.</p>
      <div class="copy">
        <pre class="sb-mono" tabindex="0" [attr.aria-labelledby]="'snippet-' + view.id" data-testid="webchat-snippet">{{ snippet() }}</pre>
        <button class="sb-button small secondary" type="button" (click)="copy(snippet(), 'snippet')" data-testid="webchat-copy">{{ copied() === 'snippet' ? 'Copied' : 'Copy' }}</button>
      </div>
    </div>

    <div class="block">
      <h4 id="origins-{{ view.id }}">Allowed sites</h4>
      <p class="sb-hint">Only pages on these addresses may open the chat. With none listed, any site may.</p>
      <ul class="origins" [attr.aria-labelledby]="'origins-' + view.id" data-testid="webchat-origins">
        @for (origin of view.allowedOrigins; track origin) {
          <li>
            <code class="sb-mono">{{ origin }}</code>
            <button class="sb-button small secondary" type="button" [disabled]="busy()" (click)="removeOrigin(origin)">Remove<span class="sb-visually-hidden"> {{ origin }}</span></button>
          </li>
        } @empty {
          <li class="sb-muted">Any site</li>
        }
      </ul>
      <form class="add" novalidate (submit)="$event.preventDefault(); addOrigin()">
        <label class="sb-visually-hidden" [for]="'origin-' + view.id">Site address to allow</label>
        <input [id]="'origin-' + view.id" class="sb-input" type="url" placeholder="https://shop.example.com" spellcheck="false" [value]="draftOrigin()" (input)="draftOrigin.set(inputValue($event))"
          [attr.aria-invalid]="originError() ? 'true' : null" [attr.aria-describedby]="originError() ? 'origin-' + view.id + '-error' : null" data-testid="webchat-origin-input" />
        <button class="sb-button small" type="submit" [disabled]="busy()" data-testid="webchat-origin-add">Allow</button>
      </form>
      @if (originError(); as message) {
        <p class="sb-field-errors" [id]="'origin-' + view.id + '-error'" role="alert">{{ message }}</p>
      }
    </div>

    <div class="block">
      <h4>Signed-in customers</h4>
      <label class="sb-check">
        <input type="checkbox" [checked]="view.enforceIdentity" [disabled]="busy()" (change)="setEnforceIdentity($event)" data-testid="webchat-enforce-identity" />
        <span>Require a signature for customer identities<br /><span class="sb-hint">Your shop signs each signed-in customer's id with the secret below (HMAC-SHA256, hex), so nobody can chat as someone else.</span></span>
      </label>
      @if (secret(); as shown) {
        <div class="copy">
          <code class="sb-mono secret" data-testid="webchat-secret">{{ shown }}</code>
          <button class="sb-button small secondary" type="button" (click)="copy(shown, 'secret')">{{ copied() === 'secret' ? 'Copied' : 'Copy' }}</button>
          <button class="sb-button small secondary" type="button" (click)="secret.set(null)">Hide</button>
        </div>
      } @else {
        <button class="sb-link-button" type="button" [disabled]="busy()" (click)="revealSecret()" data-testid="webchat-reveal-secret">Show the identity secret</button>
      }
    </div>
    <sb-form-alert [error]="failure()" />
  `,
  styles: `
    :host { display: grid; gap: 16px; }
    .block { display: grid; gap: 8px; }
    h4 { margin: 0; font-size: 0.95rem; }
    .copy { display: flex; align-items: flex-start; gap: 8px; flex-wrap: wrap; }
    pre { flex: 1 1 320px; margin: 0; padding: 10px 12px; overflow-x: auto; border-radius: var(--sb-radius); background: var(--sb-surface-sunken); font-size: 0.85rem; white-space: pre-wrap; word-break: break-all; }
    .origins { display: grid; gap: 6px; margin: 0; padding: 0; list-style: none; }
    .origins li { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
    .add { display: flex; gap: 8px; max-width: 520px; }
    .secret { padding: 6px 10px; border-radius: var(--sb-radius); background: var(--sb-surface-sunken); word-break: break-all; }
  `,
})
export class WebchatSettingsComponent {
  private readonly api = inject(ChannelsApi);

  readonly channel = input.required<ChannelView>();
  readonly changed = output<ChannelView>();

  protected readonly busy = signal(false);
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly draftOrigin = signal('');
  protected readonly originError = signal<string | null>(null);
  protected readonly secret = signal<string | null>(null);
  protected readonly copied = signal<'snippet' | 'secret' | null>(null);
  protected readonly snippet = computed(() => widgetSnippet(location.origin, this.channel().publicKey ?? ''));

  protected async addOrigin(): Promise<void> {
    // An origin is scheme, host and port: a pasted page address is cut down to it.
    let origin = this.draftOrigin().trim();
    try {
      if (/^https?:\/\//.test(origin)) origin = new URL(origin).origin;
    } catch {
      // left as typed; the pattern below explains what is expected
    }
    if (!originPattern.test(origin)) {
      this.originError.set('Use an address such as https://shop.example.com (no path).');
      return;
    }
    this.originError.set(null);
    if (this.channel().allowedOrigins.includes(origin)) {
      this.draftOrigin.set('');
      return;
    }
    if (await this.save({ allowedOrigins: [...this.channel().allowedOrigins, origin] })) this.draftOrigin.set('');
  }

  protected removeOrigin(origin: string): Promise<boolean> {
    return this.save({ allowedOrigins: this.channel().allowedOrigins.filter((item) => item !== origin) });
  }

  protected async setEnforceIdentity(event: Event): Promise<void> {
    const box = event.target as HTMLInputElement;
    // A refused change puts the box back as the hub still has it.
    if (!(await this.save({ enforceIdentity: box.checked }))) box.checked = this.channel().enforceIdentity;
  }

  protected async revealSecret(): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      this.secret.set((await this.api.identitySecret(this.channel().id)).identitySecret);
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async copy(text: string, what: 'snippet' | 'secret'): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied.set(what);
      setTimeout(() => this.copied.set(null), 2000);
    } catch {
      this.failure.set(new ApiError(0, 'SB_ERR_INTERNAL', 'The browser did not allow copying. Select the text and copy it yourself.'));
    }
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  private async save(body: { allowedOrigins?: string[]; enforceIdentity?: boolean }): Promise<boolean> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      this.changed.emit(await this.api.updateWebchat(this.channel().id, body));
      return true;
    } catch (error) {
      this.failure.set(ApiError.from(error));
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
