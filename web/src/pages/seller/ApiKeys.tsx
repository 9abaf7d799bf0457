import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreateApiKeyDocument, RevokeApiKeyDocument, type Scope } from '../../gql/graphql';
import { Field, FormMessages, ProblemNotice } from '../../components/ui';
import { formErrors } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { SignInFirst } from '../SignIn';
import { NotASeller, SellerNav, useSellerGate } from './Dashboard';

const SCOPES: { value: Scope; label: string }[] = [
  { value: 'PRODUCTS_READ', label: 'Read products' },
  { value: 'PRODUCTS_WRITE', label: 'Change products' },
  { value: 'INVENTORY_READ', label: 'Read stock' },
  { value: 'INVENTORY_WRITE', label: 'Change stock' },
  { value: 'ORDERS_READ', label: 'Read orders' },
  { value: 'ORDERS_WRITE', label: 'Ship orders' },
];

interface KeyRecord {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  revokedAt?: string | null;
}

/**
 * The contract has no operation listing a store's keys, so this page lists the keys created from
 * this browser (kept per user in localStorage, never their secrets).
 */
function useKeyRecords(userId: string) {
  const storageKey = `marketplace.apiKeys.${userId}`;
  const [records, setRecords] = useState<KeyRecord[]>(() => JSON.parse(localStorage.getItem(storageKey) ?? '[]') as KeyRecord[]);
  const save = (next: KeyRecord[]) => {
    localStorage.setItem(storageKey, JSON.stringify(next));
    setRecords(next);
  };
  return [records, save] as const;
}

export function SellerApiKeysPage() {
  const gate = useSellerGate();
  const session = useSession();
  if (gate === 'anonymous' || !session) return <SignInFirst what="your API keys" />;
  if (gate === 'customer') return <NotASeller />;
  return <ApiKeys userId={session.user.id} />;
}

function ApiKeys({ userId }: { userId: string }) {
  const [records, saveRecords] = useKeyRecords(userId);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [created, createKey] = useMutation(CreateApiKeyDocument);
  const [revoked, revokeKey] = useMutation(RevokeApiKeyDocument);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const errors = formErrors(created.data?.createApiKey.userErrors, ['name', 'scopes']);
  const revokeErrors = formErrors(revoked.data?.revokeApiKey.userErrors);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await createKey({ name, scopes });
    const p = res.data?.createApiKey;
    if (p?.apiKey && p.secret) {
      saveRecords([{ id: p.apiKey.id, name: p.apiKey.name, scopes: p.apiKey.scopes, createdAt: p.apiKey.createdAt }, ...records]);
      setSecret({ name: p.apiKey.name, secret: p.secret });
      setName('');
      setScopes([]);
    }
  }

  async function revoke(id: string) {
    const res = await revokeKey({ id });
    const key = res.data?.revokeApiKey.apiKey;
    if (key) saveRecords(records.map((r) => (r.id === id ? { ...r, revokedAt: key.revokedAt } : r)));
  }

  return (
    <section className="seller">
      <SellerNav />
      <h1>API keys</h1>
      <p className="muted">Keys let your own systems use the graph for your store, limited to the scopes you choose.</p>
      {secret && (
        <div className="notice ok secret" role="status">
          <p>
            Secret of <strong>{secret.name}</strong>, shown only this once. Copy it now:
          </p>
          <code data-testid="api-key-secret">{secret.secret}</code>
          <button type="button" className="link" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      )}
      <form onSubmit={submit} className="card-form" noValidate>
        <h2>Create a key</h2>
        <ProblemNotice error={created.error} />
        <FormMessages messages={errors.general} />
        <Field label="Key name" required value={name} onChange={(e) => setName(e.target.value)} errors={errors.byField.name} />
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.value} className="check">
              <input type="checkbox" checked={scopes.includes(s.value)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s.value] : scopes.filter((x) => x !== s.value))} />
              {s.label} <code>{s.value}</code>
            </label>
          ))}
          {errors.byField.scopes && <p className="field-error" role="alert">{errors.byField.scopes.join(' ')}</p>}
        </fieldset>
        <button type="submit" disabled={created.fetching}>
          Create key
        </button>
      </form>
      <h2>Keys created here</h2>
      <ProblemNotice error={revoked.error} />
      <FormMessages messages={revokeErrors.general} />
      {records.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table>
          <thead>
            <tr><th>Name</th><th>Scopes</th><th>Created</th><th>State</th></tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id} data-testid="api-key-row">
                <td>{r.name}</td>
                <td>{r.scopes.join(', ')}</td>
                <td>{new Date(r.createdAt).toLocaleString()}</td>
                <td>
                  {r.revokedAt ? (
                    <span className="badge status-cancelled">Revoked</span>
                  ) : (
                    <button type="button" onClick={() => revoke(r.id)} disabled={revoked.fetching} aria-label={`Revoke ${r.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
