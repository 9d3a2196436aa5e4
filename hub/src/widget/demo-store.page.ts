const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
}

const products = [
  { name: 'Linen Throw Pillow', price: '€29', hue: 32, mark: '◆', note: 'Stone-washed linen, 45 × 45 cm' },
  { name: 'Ceramic Pour-Over', price: '€42', hue: 200, mark: '◗', note: 'Hand-glazed, makes two cups' },
  { name: 'Walnut Desk Tray', price: '€55', hue: 20, mark: '▭', note: 'Solid walnut, oiled finish' },
  { name: 'Wool Blanket', price: '€89', hue: 145, mark: '▦', note: 'Merino, 130 × 180 cm' },
  { name: 'Brass Candle Holder', price: '€24', hue: 45, mark: '♦', note: 'Solid brass, set of two' },
  { name: 'Market Tote', price: '€35', hue: 280, mark: '◒', note: 'Organic cotton canvas' },
] as const;

const styles = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#faf7f2}
header{display:flex;align-items:center;justify-content:space-between;padding:18px 32px;background:#fff;border-bottom:1px solid #eee}
.logo{font-weight:700;font-size:20px;letter-spacing:.02em}.logo span{color:#b45309}
nav a{margin-left:22px;color:#4b5563;text-decoration:none}nav a:hover{color:#111}
.hero{padding:56px 32px;text-align:center;background:linear-gradient(135deg,#fde68a33,#fbcfe833)}
.hero h1{margin:0 0 8px;font-size:40px}.hero p{margin:0;color:#6b7280}
main{max-width:1100px;margin:0 auto;padding:40px 24px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:24px;list-style:none;margin:0;padding:0}
.card{background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 1px 3px #0000001a}
.art{height:170px;display:grid;place-items:center;font-size:64px;color:#ffffffd9}
.info{padding:14px 16px 18px}.info h2{margin:0;font-size:17px}.info p{margin:4px 0 12px;color:#6b7280;font-size:14px}
.buy{display:flex;justify-content:space-between;align-items:center}.price{font-weight:700}
.buy button{border:0;border-radius:999px;padding:8px 16px;background:#1f2937;color:#fff;font:inherit;font-size:14px;cursor:pointer}
.about{margin-top:48px;padding:20px 24px;background:#fff;border-radius:14px;color:#4b5563}
.about code,.about pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}
.about pre{background:#f3f4f6;padding:12px;border-radius:8px;overflow-x:auto}
footer{padding:32px;text-align:center;color:#9ca3af;font-size:14px}
${products.map((product, index) => `.art-${index}{background:linear-gradient(135deg,hsl(${product.hue} 55% 62%),hsl(${product.hue} 45% 42%))}`).join('')}
`;

/**
 * The demo storefront at `/demo/store`: a small fake shop with the widget embedded exactly as a
 * store would embed it, for trying the chat and for the browser tests. `nonce` admits the page's
 * own inline stylesheet under its CSP.
 */
export function demoStorePage({ key, nonce }: { key: string; nonce: string }): string {
  const embed = `<script src="/widget.js" data-key="${escapeHtml(key)}" async></script>`;
  const cards = products.map((product, index) => `
      <li class="card">
        <div class="art art-${index}" aria-hidden="true">${product.mark}</div>
        <div class="info"><h2>${escapeHtml(product.name)}</h2><p>${escapeHtml(product.note)}</p>
          <div class="buy"><span class="price">${product.price}</span><button type="button">Add to cart</button></div></div>
      </li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo Store</title>
<link rel="icon" href="data:,">
<style nonce="${escapeHtml(nonce)}">${styles}</style>
</head>
<body>
<header><div class="logo">Demo <span>Store</span></div><nav aria-label="Shop"><a href="#shop">Shop</a><a href="#about">About</a></nav></header>
<section class="hero"><h1>Things for slow mornings</h1><p>Small-batch homeware. Questions? Ask us in the chat.</p></section>
<main id="shop">
  <ul class="grid">${cards}
  </ul>
  <section class="about" id="about">
    <h2>About this page</h2>
    <p>This is Switchboard's demo storefront. The chat bubble in the corner is the storefront widget, embedded with one tag:</p>
    <pre><code>${escapeHtml(embed)}</code></pre>
  </section>
</main>
<footer>Demo Store is not a real shop. Nothing here is for sale.</footer>
${embed}
</body>
</html>
`;
}

/** The page at `/demo/store` when there is no demo tenant to chat with. */
export function demoStoreMissingPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>No demo store</title><link rel="icon" href="data:,">
<style nonce="${escapeHtml(nonce)}">body{font:16px/1.5 system-ui,sans-serif;max-width:560px;margin:15vh auto;padding:0 24px;color:#374151}</style></head>
<body><h1>No demo store here</h1><p>This hub has no demo tenant with a web chat channel, so there is no storefront to show. <code>npm start</code> seeds one on a fresh machine.</p></body></html>
`;
}
