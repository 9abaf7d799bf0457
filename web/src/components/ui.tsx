/** Small building blocks every page uses: fields with their errors, problems, loading and empty states. */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import type { CombinedError } from 'urql';
import { describeError, type Problem } from '../lib/errors';
import { formatMoney, type Money } from '../lib/money';

/** A labelled input; its errors are announced with it (aria-describedby) and mark it invalid. */
export function Field({ label, errors, hint, ...input }: { label: string; errors?: string[]; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const describedBy = [errors?.length ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({ label, errors, children, ...select }: { label: string; errors?: string[]; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={errors?.length ? `${id}-error` : undefined} {...select}>
        {children}
      </select>
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** Errors that name no field of the form. */
export function FormMessages({ messages }: { messages: string[] }) {
  if (!messages.length) return null;
  return (
    <div className="notice error" role="alert">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

/** A GraphQL or network failure, shown as what it is (rate limited, part unavailable, …). */
export function ProblemNotice({ error, problem }: { error?: CombinedError | null; problem?: Problem | null }) {
  const p = problem ?? describeError(error);
  if (!p) return null;
  const tone = p.kind === 'unavailable' ? 'warning' : 'error';
  return (
    <div className={`notice ${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-problem={p.kind}>
      <p>{p.message}</p>
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Price({ money }: { money: Money | null | undefined }) {
  return <span className="price">{formatMoney(money)}</span>;
}

export function Stars({ average, count }: { average: number | null | undefined; count?: number | null }) {
  if (average == null || !count) return <span className="stars muted">No ratings yet</span>;
  const rounded = Math.round(average);
  return (
    <span className="stars" aria-label={`Rated ${average.toFixed(1)} out of 5 by ${count}`}>
      {'★'.repeat(rounded)}
      {'☆'.repeat(5 - rounded)} <span className="muted">({count})</span>
    </span>
  );
}

/** A product image, or a plain tile with its initial when there is none or it does not load. */
export function ProductImage({ src, title, size = 'small' }: { src?: string | null; title: string; size?: 'small' | 'large' }) {
  const initial = title.trim().charAt(0).toUpperCase() || '?';
  const hue = [...title].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return (
    <div className={`product-image ${size}`} style={{ background: `hsl(${hue} 45% 88%)` }} aria-hidden="true">
      <span style={{ color: `hsl(${hue} 40% 35%)` }}>{initial}</span>
      {src ? <img src={src} alt="" loading="lazy" onError={(e) => e.currentTarget.remove()} /> : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status.toLowerCase()}`}>{status.replace(/_/g, ' ')}</span>;
}
