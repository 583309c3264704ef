import { useState } from 'preact/hooks';
import { api, type Session } from '../api';
import { ErrorBox, OkBox, useAction } from '../ui';

export function Login({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const act = useAction(async () => {
    const s = await api<Session>('/auth/login', { method: 'POST', body: { email, password } });
    onSignedIn(s);
  });
  return (
    <main class="center" id="main">
      <h1>Sign in to Halo</h1>
      <form
        class="stack card"
        onSubmit={(e) => {
          e.preventDefault();
          act.run();
        }}
      >
        <label>
          E-mail
          <input type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <ErrorBox message={act.error} />
        <button type="submit" disabled={act.busy}>
          {act.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <a href="#/reset">Forgot your password?</a>
      </form>
    </main>
  );
}

export function ResetRequest() {
  const [email, setEmail] = useState('');
  const act = useAction(async () => {
    await api('/auth/password-reset', { method: 'POST', body: { email } });
    return 'If an account uses that address, a reset code is on its way. It is valid for a limited time.';
  });
  return (
    <main class="center" id="main">
      <h1>Reset your password</h1>
      <form class="stack card" onSubmit={(e) => (e.preventDefault(), act.run())}>
        <label>
          E-mail
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <ErrorBox message={act.error} />
        <OkBox message={act.ok} />
        <button type="submit" disabled={act.busy}>
          Send a reset code
        </button>
        <a href="#/reset/confirm">I have a reset code</a>
        <a href="#/login">Back to sign in</a>
      </form>
    </main>
  );
}

export function ResetConfirm() {
  const [token, setToken] = useState('');
  const [password, setPassword] = useState('');
  const act = useAction(async () => {
    await api('/auth/password-reset/confirm', { method: 'POST', body: { token, new_password: password } });
    return 'Your password is changed. You can sign in with it now.';
  });
  return (
    <main class="center" id="main">
      <h1>Choose a new password</h1>
      <form class="stack card" onSubmit={(e) => (e.preventDefault(), act.run())}>
        <label>
          Reset code from the e-mail
          <input required autocomplete="one-time-code" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <label>
          New password
          <input type="password" autocomplete="new-password" required minLength={10} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <ErrorBox message={act.error} />
        <OkBox message={act.ok} />
        <button type="submit" disabled={act.busy}>
          Set the password
        </button>
        <a href="#/login">Back to sign in</a>
      </form>
    </main>
  );
}

export function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const act = useAction(async () => {
    await api('/auth/password', { method: 'POST', body: { current_password: current, new_password: next } });
    return 'Your password is changed.';
  });
  return (
    <>
      <h1>Your account</h1>
      <form class="stack card" onSubmit={(e) => (e.preventDefault(), act.run())}>
        <h2>Change your password</h2>
        <label>
          Current password
          <input type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label>
          New password
          <input type="password" autocomplete="new-password" required value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
        <ErrorBox message={act.error} />
        <OkBox message={act.ok} />
        <button type="submit" disabled={act.busy}>
          Change password
        </button>
      </form>
    </>
  );
}

/** The page a referral link opens: the sponsor is filled in from the link. */
export function Join({ sponsor }: { sponsor: string }) {
  const [f, setF] = useState({ referral_code: sponsor, id: '', name: '', email: '', password: '', plan: 'consultant' });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const act = useAction(async () => {
    const m = await api<{ id: string }>('/join', { method: 'POST', body: f });
    return f.plan !== 'affiliate'
      ? `Welcome, ${f.name}! Your account ${m.id} is created. Your pack becomes effective once its payment is confirmed; you can sign in now.`
      : `Welcome, ${f.name}! Your account ${m.id} is created; you can sign in now.`;
  });
  return (
    <main class="center" id="main">
      <h1>Join Halo</h1>
      <form class="stack card" onSubmit={(e) => (e.preventDefault(), act.run())}>
        <label>
          Referral code (your sponsor)
          <input required value={f.referral_code} onInput={set('referral_code')} />
        </label>
        <label>
          Choose a member id
          <input required pattern="[A-Za-z0-9._\-]{1,64}" value={f.id} onInput={set('id')} />
        </label>
        <label>
          Full name
          <input required autocomplete="name" value={f.name} onInput={set('name')} />
        </label>
        <label>
          E-mail
          <input type="email" required autocomplete="email" value={f.email} onInput={set('email')} />
        </label>
        <label>
          Password
          <input type="password" required autocomplete="new-password" value={f.password} onInput={set('password')} />
        </label>
        <label>
          Plan
          <select value={f.plan} onChange={set('plan')}>
            <option value="affiliate">Affiliate (free)</option>
            <option value="consultant">Consultant pack</option>
            <option value="consultant_plus">Consultant Plus pack</option>
          </select>
        </label>
        <ErrorBox message={act.error} />
        <OkBox message={act.ok} />
        <button type="submit" disabled={act.busy}>
          Create my account
        </button>
        <a href="#/login">I already have an account</a>
      </form>
    </main>
  );
}
