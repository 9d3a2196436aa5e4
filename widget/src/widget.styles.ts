/**
 * The widget's stylesheet, inside its shadow root so the store's CSS cannot reach in and ours
 * cannot leak out. Sizes are in px: the store's root font size must not scale the chat.
 * `--sb-primary` / `--sb-on-primary` are set from the tenant's colour at start-up.
 */
export const widgetStyles = `
:host { all: initial; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sb-root {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", "Helvetica Neue", Arial, sans-serif;
  color: #111827; -webkit-font-smoothing: antialiased;
}
button { font: inherit; cursor: pointer; }
button:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid var(--sb-primary); outline-offset: 2px; }
.sb-launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 56px; height: 56px; border: 0; border-radius: 50%;
  background: var(--sb-primary); color: var(--sb-on-primary);
  box-shadow: 0 6px 20px rgba(0,0,0,.22); display: grid; place-items: center;
  transition: transform .15s ease;
}
.sb-launcher:hover { transform: scale(1.06); }
.sb-root.sb-rtl .sb-launcher { right: auto; left: 20px; }
.sb-launcher svg, .sb-send svg, .sb-close svg { width: 26px; height: 26px; fill: currentColor; }
.sb-send svg, .sb-close svg { width: 20px; height: 20px; }
.sb-badge {
  position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; padding: 0 6px;
  border-radius: 10px; background: #dc2626; color: #fff; font-size: 12px; font-weight: 600; line-height: 20px;
}
.sb-panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483001;
  width: 370px; height: min(600px, calc(100vh - 110px));
  display: flex; flex-direction: column; overflow: hidden;
  background: #fff; border-radius: 16px; box-shadow: 0 12px 40px rgba(0,0,0,.25);
  animation: sb-open .18s ease-out;
}
.sb-root.sb-rtl .sb-panel { right: auto; left: 20px; }
@keyframes sb-open { from { opacity: 0; transform: translateY(12px); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .sb-panel { animation: none; } .sb-launcher { transition: none; } }
@media (max-width: 480px) {
  .sb-panel, .sb-root.sb-rtl .sb-panel { inset: 0; width: 100%; height: 100%; border-radius: 0; }
}
.sb-header {
  display: flex; align-items: center; gap: 12px; padding: 14px 16px;
  background: var(--sb-primary); color: var(--sb-on-primary);
}
.sb-heading { flex: 1; min-width: 0; }
.sb-title { margin: 0; font-size: 16px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sb-subtitle { margin: 0; font-size: 12px; opacity: .85; }
.sb-close { border: 0; background: transparent; color: inherit; padding: 6px; border-radius: 8px; display: grid; }
.sb-close:hover { background: rgba(255,255,255,.15); }
.sb-unavailable { margin: 0; padding: 10px 16px; background: #fef3c7; color: #78350f; font-size: 13px; text-align: center; }
.sb-messages { flex: 1; overflow-y: auto; padding: 16px 12px; background: #f9fafb; display: flex; flex-direction: column; gap: 8px; }
.sb-row { display: flex; flex-direction: column; align-items: flex-start; max-width: 100%; }
.sb-row.sb-customer { align-items: flex-end; }
.sb-row.sb-system { align-items: center; }
.sb-author { font-size: 12px; color: #4b5563; margin: 0 8px 2px; }
.sb-bubble {
  max-width: 80%; padding: 8px 12px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere;
  background: #fff; border: 1px solid #e5e7eb; border-end-start-radius: 4px;
}
.sb-customer .sb-bubble { background: var(--sb-primary); color: var(--sb-on-primary); border-color: transparent; border-end-start-radius: 16px; border-end-end-radius: 4px; }
.sb-customer .sb-bubble a { color: inherit; }
.sb-system .sb-bubble { background: transparent; border: 0; color: #6b7280; font-size: 12px; text-align: center; padding: 2px 8px; }
.sb-pending .sb-bubble { opacity: .7; }
.sb-failed .sb-bubble { opacity: 1; outline: 2px solid #dc2626; outline-offset: -2px; }
.sb-meta { font-size: 11px; color: #6b7280; margin: 2px 8px 0; display: flex; gap: 6px; align-items: center; }
.sb-failed .sb-meta { color: #b91c1c; }
.sb-retry { border: 0; background: none; padding: 0; color: #1d4ed8; text-decoration: underline; font-size: 11px; }
.sb-attachment { display: block; margin-top: 6px; }
.sb-attachment img { display: block; max-width: 100%; max-height: 220px; border-radius: 10px; background: #f3f4f6; }
.sb-attachment audio { display: block; width: 240px; max-width: 100%; }
.sb-attachment video { display: block; max-width: 100%; max-height: 220px; border-radius: 10px; }
.sb-file-link { display: block; margin-top: 4px; overflow-wrap: anywhere; }
.sb-footer { border-top: 1px solid #e5e7eb; background: #fff; }
.sb-files { list-style: none; margin: 0; padding: 8px 12px 0; display: flex; flex-wrap: wrap; gap: 6px; }
.sb-file {
  display: flex; align-items: center; gap: 6px; max-width: 100%; min-height: 28px;
  padding-block: 2px; padding-inline: 10px 2px; border-radius: 14px; background: #f3f4f6; font-size: 12px;
}
.sb-file-name { max-width: 150px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sb-file-status { color: #4b5563; white-space: nowrap; }
.sb-file[data-state=failed] { background: #fee2e2; color: #991b1b; }
.sb-file[data-state=failed] .sb-file-status { color: inherit; white-space: normal; }
.sb-file-remove { border: 0; background: none; width: 24px; height: 24px; border-radius: 50%; padding: 0; color: inherit; font-size: 16px; line-height: 1; }
.sb-file-remove:hover { background: rgba(0,0,0,.08); }
.sb-file-error { margin: 0; padding: 8px 12px 0; font-size: 12px; color: #b91c1c; }
.sb-attach {
  width: 40px; height: 40px; border: 0; border-radius: 50%; flex: none;
  background: transparent; color: #4b5563; display: grid; place-items: center;
}
.sb-attach:hover { background: #f3f4f6; }
.sb-attach:disabled { opacity: .5; cursor: default; }
.sb-attach svg { width: 22px; height: 22px; fill: currentColor; }
.sb-streaming .sb-bubble::after { content: '▍'; margin-left: 1px; opacity: .6; }
.sb-typing { margin: 0; padding: 4px 16px 6px; font-size: 12px; color: #6b7280; background: #f9fafb; font-style: italic; }
.sb-composer { display: flex; align-items: flex-end; gap: 6px; padding: 10px 12px; }
.sb-input {
  flex: 1; resize: none; border: 1px solid #d1d5db; border-radius: 12px; padding: 9px 12px;
  font: inherit; color: inherit; background: #fff; max-height: 120px; min-height: 40px; line-height: 20px;
}
.sb-input:disabled { background: #f3f4f6; }
.sb-send {
  width: 40px; height: 40px; border: 0; border-radius: 50%; flex: none;
  background: var(--sb-primary); color: var(--sb-on-primary); display: grid; place-items: center;
}
.sb-send:disabled { opacity: .5; cursor: default; }
.sb-root.sb-rtl .sb-send svg { transform: scaleX(-1); }
`;
