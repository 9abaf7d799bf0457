/** Money, dates and links as a recipient reads them: Intl in their locale, amounts from minor units. */
import { setting } from '@marketplace/runtime';

export const DEFAULT_LOCALE = 'en-US';

/**
 * The locale of a country (ISO 3166 alpha-2), by CLDR's likely subtags: `DE` → `de-DE`, `US` →
 * `en-US`. Accounts keep no language yet; the country an order ships to is the best hint known.
 */
export function localeOfCountry(country: string | null | undefined): string {
  if (!country) return DEFAULT_LOCALE;
  try {
    const likely = new Intl.Locale('und', { region: country.toUpperCase() }).maximize();
    return likely.language === 'und' ? DEFAULT_LOCALE : `${likely.language}-${likely.region}`;
  } catch {
    return DEFAULT_LOCALE;
  }
}

/** An amount in minor units of `currencyCode`, e.g. 12345 USD in en-US → "$123.45". */
export function formatMoney(amount: number, currencyCode: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currencyCode });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** A day, e.g. "Tuesday, December 8, 2026" (UTC: the estimates are days, not instants). */
export function formatDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(iso));
}

/** A link into the storefront. */
export function storefrontLink(path: string): string {
  return new URL(path, setting('NOTIFICATION_LINK_BASE_URL')).toString();
}

export const orderLink = (orderId: string) => storefrontLink(`/orders/${orderId}`);
