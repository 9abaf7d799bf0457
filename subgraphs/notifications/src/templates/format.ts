/** Money, dates and links as a recipient reads them: Intl in their locale, amounts from minor units. */
import { setting } from '@marketplace/runtime';

export const DEFAULT_LOCALE = 'en-US';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * The locale messages are formatted in, from the country an order ships to (accounts keep no
 * language yet): the copy is English, so English with that country's conventions, `DE` → `en-DE`
 * ("64,99 €", "Thursday, 10 December 2026"); unknown or missing → `en-US`.
 */
export function localeOfCountry(country: string | null | undefined): string {
  const region = country?.toUpperCase();
  if (!region || !/^[A-Z]{2}$/.test(region) || !regionNames.of(region)) return DEFAULT_LOCALE;
  return `en-${region}`;
}

/**
 * One formatter per locale (and currency), made on first use: building an Intl formatter loads
 * locale data and costs far more than formatting with it (~2% of the process's CPU per checkout's
 * emails when they were made per amount).
 */
function memoized<T>(make: (key: string) => T): (key: string) => T {
  const made = new Map<string, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make(key)));
    return value;
  };
}

const currencyFormat = memoized((localeAndCurrency) => {
  const [locale, currency] = localeAndCurrency.split('|') as [string, string];
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  return { format, minorDigits: format.resolvedOptions().maximumFractionDigits ?? 2 };
});
const dayFormat = memoized((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }));

/** An amount in minor units of `currencyCode`, e.g. 12345 USD in en-US → "$123.45". */
export function formatMoney(amount: number, currencyCode: string, locale: string): string {
  const { format, minorDigits } = currencyFormat(`${locale}|${currencyCode}`);
  return format.format(amount / 10 ** minorDigits);
}

/** A day, e.g. "Tuesday, December 8, 2026" (UTC: the estimates are days, not instants). */
export function formatDate(iso: string, locale: string): string {
  return dayFormat(locale).format(new Date(iso));
}

/** A link into the storefront. */
export function storefrontLink(path: string): string {
  return new URL(path, setting('NOTIFICATION_LINK_BASE_URL')).toString();
}

export const orderLink = (orderId: string) => storefrontLink(`/orders/${orderId}`);
