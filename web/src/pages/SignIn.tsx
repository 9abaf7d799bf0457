import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { LoginDocument, RegisterDocument } from '../gql/graphql';
import { Field, FormMessages, ProblemNotice } from '../components/ui';
import { formErrors } from '../lib/errors';
import { setSession } from '../lib/session';

/** Where to go after signing in: back to the page that asked (`?next=`), else the catalog. */
function useNext(): string {
  const next = new URLSearchParams(useLocation().search).get('next');
  return next?.startsWith('/') ? next : '/';
}

export function SignInPage() {
  const navigate = useNavigate();
  const next = useNext();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [result, login] = useMutation(LoginDocument);
  const payload = result.data?.login;
  const errors = formErrors(payload?.userErrors, ['email', 'password']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await login({ email, password });
    const p = res.data?.login;
    if (p?.accessToken && p.refreshToken && p.user) {
      setSession({ accessToken: p.accessToken, refreshToken: p.refreshToken, user: p.user });
      navigate(next);
    }
  }

  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} noValidate>
        <ProblemNotice error={result.error} />
        <FormMessages messages={errors.general} />
        <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} errors={errors.byField.email} />
        <Field label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} errors={errors.byField.password} />
        <button type="submit" disabled={result.fetching}>
          {result.fetching ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
      </p>
    </section>
  );
}

export function SignUpPage() {
  const navigate = useNavigate();
  const next = useNext();
  const [input, setInput] = useState({ name: '', email: '', password: '' });
  const [result, register] = useMutation(RegisterDocument);
  const errors = formErrors(result.data?.register.userErrors, ['name', 'email', 'password']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await register({ input });
    const p = res.data?.register;
    if (p?.accessToken && p.refreshToken && p.user) {
      setSession({ accessToken: p.accessToken, refreshToken: p.refreshToken, user: p.user });
      navigate(next);
    }
  }

  const set = (key: keyof typeof input) => (e: { target: { value: string } }) => setInput({ ...input, [key]: e.target.value });
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form onSubmit={submit} noValidate>
        <ProblemNotice error={result.error} />
        <FormMessages messages={errors.general} />
        <Field label="Name" autoComplete="name" required value={input.name} onChange={set('name')} errors={errors.byField.name} />
        <Field label="Email" type="email" autoComplete="email" required value={input.email} onChange={set('email')} errors={errors.byField.email} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters."
          value={input.password}
          onChange={set('password')}
          errors={errors.byField.password}
        />
        <button type="submit" disabled={result.fetching}>
          {result.fetching ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Have an account? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}

/** Pages for signed-in callers show this instead when nobody is. */
export function SignInFirst({ what }: { what: string }) {
  const location = useLocation();
  return (
    <section className="narrow">
      <p>
        <Link to={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> to see {what}.
      </p>
    </section>
  );
}
