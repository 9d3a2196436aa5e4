import type { VisitContext } from '@switchboard/contracts';

const utmName = /^utm_[a-z_]+$/;

/**
 * Where this visit came from, as the handshake's `visit`: the page (without its fragment), the
 * referrer, `utm_*` campaign parameters and the browser's language, cut to the contract's limits.
 */
export function describeVisit(location: Location, referrer: string, language: string | undefined): VisitContext {
  const visit: VisitContext = { pageUrl: (location.href.split('#')[0] ?? '').slice(0, 2048) };
  if (referrer) visit.referrer = referrer.slice(0, 2048);
  const utm: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of new URLSearchParams(location.search)) {
    const lower = name.toLowerCase();
    if (utmName.test(lower) && value && count < 20) {
      utm[lower] = value.slice(0, 255);
      count += 1;
    }
  }
  if (count > 0) visit.utm = utm;
  if (utm['utm_campaign']) visit.campaign = utm['utm_campaign'];
  if (language) visit.locale = language.slice(0, 35);
  return visit;
}
