import { Component, render, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, loadSession, saveSession, setUnauthorizedHandler, type Session } from './api';
import { go, useRoute, type Route } from './router';
import { ErrorBox } from './ui';
import { Login, ResetRequest, ResetConfirm, Join, ChangePassword } from './pages/auth';
import { ConsultantHome } from './pages/home';
import { Earnings, Statement } from './pages/earnings';
import { Genealogy, SponsorTree } from './pages/genealogy';
import { Customers, Team } from './pages/customers';
import { Wallet } from './pages/wallet';
import { Gatherings, Articles, Article } from './pages/field';
import { CustomerHome } from './pages/customer';
import { AdminHome, Members, MemberPage, NewMember } from './pages/admin-members';
import { Runs, RunPage } from './pages/admin-runs';
import { Withdrawals, Audit } from './pages/admin-money';
import { Vendors, VendorPage, ImportPage } from './pages/admin-vendors';
import { ArticleEditor, GatheringsAdmin } from './pages/admin-field';
import { AdminReferrals, DeliveryPage, ReferralPage, Referrals } from './pages/referrals';
import { BatchPage, Batches, IncomeDisclosure, TaxAndPayouts, TaxReports } from './pages/tax';
import './styles.css';

interface NavItem {
  path: string;
  label: string;
}

const NAV: Record<Session['role'], NavItem[]> = {
  consultant: [
    { path: '/', label: 'Home' },
    { path: '/earnings', label: 'Earnings' },
    { path: '/genealogy', label: 'Binary tree' },
    { path: '/sponsor-tree', label: 'Sponsor tree' },
    { path: '/customers', label: 'Customers' },
    { path: '/referrals', label: 'Referrals' },
    { path: '/team', label: 'Team' },
    { path: '/wallet', label: 'Wallet' },
    { path: '/tax', label: 'Tax & payouts' },
    { path: '/events', label: 'Webinars & events' },
    { path: '/kb', label: 'Knowledge base' },
    { path: '/income-disclosure', label: 'Income disclosure' },
  ],
  customer: [
    { path: '/', label: 'My services' },
    { path: '/referrals', label: 'Refer a friend' },
    { path: '/events', label: 'Webinars & events' },
    { path: '/kb', label: 'Articles' },
  ],
  admin: [
    { path: '/', label: 'Overview' },
    { path: '/members', label: 'Members' },
    { path: '/runs', label: 'Payout runs' },
    { path: '/withdrawals', label: 'Withdrawals' },
    { path: '/batches', label: 'Payout batches' },
    { path: '/tax-reports', label: 'Tax forms' },
    { path: '/income-disclosure', label: 'Income disclosure' },
    { path: '/vendors', label: 'Vendors' },
    { path: '/referrals', label: 'Referrals' },
    { path: '/import', label: 'Import' },
    { path: '/audit', label: 'Audit log' },
    { path: '/kb', label: 'Knowledge base' },
    { path: '/events', label: 'Webinars & events' },
  ],
};

function Shell({ session, onSignOut, children, route }: { session: Session; onSignOut: () => void; children: preact.ComponentChildren; route: Route }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState<string>('');
  useEffect(() => setOpen(false), [route.path]);
  useEffect(() => {
    if (session.role === 'admin') return;
    api<{ name: string }>('/members/' + encodeURIComponent(session.member_id)).then((m) => setName(m.name), () => {});
  }, [session.member_id]);
  const current = '/' + (route.parts[0] ?? '');
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Halo
        </a>
        <button class="menu-toggle secondary" aria-expanded={open} aria-controls="nav" onClick={() => setOpen(!open)}>
          Menu
        </button>
        <nav id="nav" aria-label="Main" class={open ? 'open' : ''}>
          {NAV[session.role].map((n) => (
            <a key={n.path} href={'#' + n.path} aria-current={current === n.path ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <a href="#/account" style="color:#dce6f5" title="Account">
            {session.role === 'admin' ? 'Administrator' : name || session.member_id} · {session.role}
          </a>
          <button class="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function routeFor(session: Session, r: Route) {
  const [a, b, c, d] = r.parts;
  const me = session.member_id;
  if (a === 'account') return <ChangePassword />;
  if (a === 'referrals') {
    if (b) return <ReferralPage id={b} back="#/referrals" />;
    return session.role === 'admin' ? <AdminReferrals query={r.query} /> : <Referrals me={me} role={session.role} />;
  }
  if (a === 'referral-deliveries' && b && session.role === 'admin') return <DeliveryPage id={b} />;
  if (a === 'income-disclosure' && session.role !== 'customer') return <IncomeDisclosure admin={session.role === 'admin'} />;
  if (a === 'events') return session.role === 'admin' ? <GatheringsAdmin /> : <Gatherings me={me} />;
  if (a === 'kb') {
    if (session.role === 'admin') return <ArticleEditor id={b} />;
    return b ? <Article id={b} /> : <Articles />;
  }
  switch (session.role) {
    case 'consultant':
      switch (a) {
        case undefined:
          return <ConsultantHome me={me} />;
        case 'earnings':
          return b ? <Statement me={me} run={b} /> : <Earnings me={me} />;
        case 'genealogy':
          return <Genealogy key={r.query.get('focus') ?? me} me={me} start={r.query.get('focus') ?? undefined} />;
        case 'sponsor-tree':
          return <SponsorTree me={me} />;
        case 'customers':
          return <Customers me={me} />;
        case 'team':
          return <Team me={me} />;
        case 'wallet':
          return <Wallet me={me} />;
        case 'tax':
          return <TaxAndPayouts me={me} />;
      }
      break;
    case 'customer':
      if (a === undefined) return <CustomerHome me={me} />;
      break;
    case 'admin':
      switch (a) {
        case undefined:
          return <AdminHome />;
        case 'members':
          if (b === 'new') return <NewMember />;
          return b ? <MemberPage id={b} tab={c} /> : <Members query={r.query} />;
        case 'runs':
          return b ? <RunPage id={b} member={c === 'members' ? d : undefined} /> : <Runs />;
        case 'withdrawals':
          return <Withdrawals />;
        case 'batches':
          return b ? <BatchPage id={b} /> : <Batches />;
        case 'tax-reports':
          return <TaxReports />;
        case 'audit':
          return <Audit query={r.query} />;
        case 'vendors':
          return b ? <VendorPage id={b} /> : <Vendors />;
        case 'import':
          return <ImportPage />;
      }
  }
  return (
    <>
      <h1>Page not found</h1>
      <ErrorBox message={`There is no page at ${r.path} for your account.`} />
      <a href="#/">Back to your home page</a>
    </>
  );
}

/** A page that fails while rendering shows what happened instead of a blank screen. */
class Boundary extends Component<{ children: ComponentChildren; reset: string }, { error?: string; at?: string }> {
  state: { error?: string; at?: string } = {};
  componentDidCatch(e: unknown) {
    this.setState({ error: e instanceof Error ? e.message : String(e), at: this.props.reset });
  }
  render() {
    if (this.state.error && this.state.at === this.props.reset) {
      return (
        <div class="alert error" role="alert">
          <p>
            <strong>This page could not be shown.</strong> {this.state.error}
          </p>
          <a href="#/">Back to your home page</a>
        </div>
      );
    }
    return this.props.children;
  }
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession());
  const route = useRoute();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      saveSession(null);
      setSession(null);
      go('/login');
    });
  }, []);
  const signOut = async () => {
    try {
      await api('/auth/logout', { method: 'POST' });
    } catch {
      /* the token is dropped either way */
    }
    saveSession(null);
    setSession(null);
    go('/login');
  };
  const [a] = route.parts;
  if (a === 'join') return <Join sponsor={route.query.get('sponsor') ?? ''} />;
  if (a === 'reset') return route.parts[1] === 'confirm' ? <ResetConfirm /> : <ResetRequest />;
  if (!session || a === 'login') {
    return (
      <Login
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
          go('/');
        }}
      />
    );
  }
  return (
    <Shell session={session} onSignOut={signOut} route={route}>
      <Boundary reset={route.path}>{routeFor(session, route)}</Boundary>
    </Shell>
  );
}

render(<App />, document.getElementById('app')!);
