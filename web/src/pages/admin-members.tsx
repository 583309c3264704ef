import { useState } from 'preact/hooks';
import { ConversionCard, type Conversion } from './referrals';
import { ComplianceCard } from './tax';
import { api, type Page } from '../api';
import { go } from '../router';
import { formatDate, formatDateTime, label } from '../money';
import type { TreeNode } from '../tree';
import { Async, Back, Badge, PLANS, Select, Card, ErrorBox, LedgerTable, Money, MoreButton, OkBox, StatusBadge, useAction, useLoad, usePaged, Table } from '../ui';
import { StatementView, type StatementData } from './earnings';
import { AuditList } from './admin-money';

interface AdminDashboard {
  network: { plan: string; rank: string; members: number }[];
  sales: { vendor: string; month: string; sales: number; bv: string; value: string }[];
  runs: { id: string; status: string; period_end: string; totals: { total: string } }[];
  pending_withdrawals: { status: string; count: number; amount: string }[];
  rejected_events_last_24h: number;
  health: { status: string; checks: Record<string, { status: string }> };
  referrals?: { by_vendor: Conversion[]; by_consultant: Conversion[] };
}

export function AdminHome() {
  const st = useLoad(() => api<AdminDashboard>('/admin/dashboard'), []);
  const pending = useLoad(() => api<Page<TreeNode>>('/members', { query: { pending_payment: true, limit: 5 } }), []);
  return (
    <>
      <h1>Overview</h1>
      <Async state={st}>
        {(d) => {
          const byPlan: Record<string, number> = {};
          for (const c of d.network) byPlan[c.plan] = (byPlan[c.plan] ?? 0) + c.members;
          return (
            <div class="grid">
              <Card title="Network">
                <ul>
                  {Object.entries(byPlan).map(([p, n]) => (
                    <li key={p}>
                      {label(p)}: <strong>{n}</strong>
                    </li>
                  ))}
                </ul>
                <a href="#/members">All members</a>
              </Card>
              <Card title="Payout runs">
                <ul>
                  {d.runs.slice(0, 5).map((r) => (
                    <li key={r.id}>
                      <a href={`#/runs/${encodeURIComponent(r.id)}`}>{formatDate(r.period_end)}</a> <StatusBadge status={r.status} /> <Money value={r.totals.total} />
                    </li>
                  ))}
                </ul>
                <a href="#/runs">Preview the next run</a>
              </Card>
              <Card title="Withdrawals waiting">
                {d.pending_withdrawals.length === 0 ? (
                  <p class="muted">None.</p>
                ) : (
                  <ul>
                    {d.pending_withdrawals.map((w) => (
                      <li key={w.status}>
                        {label(w.status)}: {w.count} (<Money value={w.amount} />)
                      </li>
                    ))}
                  </ul>
                )}
                <a href="#/withdrawals">Withdrawal queue</a>
              </Card>
              <Card title="Pack payments waiting">
                <Async state={pending}>
                  {(p) =>
                    p.items.length === 0 ? (
                      <p class="muted">None.</p>
                    ) : (
                      <ul>
                        {p.items.map((m) => (
                          <li key={m.id}>
                            <a href={`#/members/${encodeURIComponent(m.id)}`}>{m.name}</a> ({label(m.plan)})
                          </li>
                        ))}
                      </ul>
                    )
                  }
                </Async>
                <a href="#/members?pending_payment=true">All pending payments</a>
              </Card>
              <Card title="Health">
                <p>
                  <StatusBadge status={d.health.status === 'ok' ? 'active' : 'failed'} /> {d.health.status}
                </p>
                <p class="muted">{d.rejected_events_last_24h} vendor event(s) rejected in the last 24 hours.</p>
                <a href="#/vendors">Vendors and rejected events</a>
              </Card>
              <ConversionCard c={d.referrals} />
              <Card title="Sales by vendor and month" wide>
                <Table caption="Sales by vendor and month" cols={['Month', 'Vendor', { label: 'Sales', num: true }, { label: 'BV', num: true }, { label: 'Value', num: true }]}>
                      {d.sales.map((s) => (
                        <tr key={s.vendor + s.month}>
                          <td>{s.month}</td>
                          <td>{s.vendor}</td>
                          <td class="num">{s.sales}</td>
                          <td class="num">{s.bv}</td>
                          <td class="num">
                            <Money value={s.value} />
                          </td>
                        </tr>
                      ))}
                    </Table>
              </Card>
            </div>
          );
        }}
      </Async>
    </>
  );
}

export function Members({ query }: { query: URLSearchParams }) {
  const [f, setF] = useState({ q: query.get('q') ?? '', plan: query.get('plan') ?? '', status: query.get('status') ?? '', rank: query.get('rank') ?? '', pending_payment: query.get('pending_payment') ?? '' });
  const [applied, setApplied] = useState(f);
  const p = usePaged((cursor) => api<Page<TreeNode & { email?: string; status?: string; pack_pending?: boolean; registered_at?: string }>>('/members', { query: { ...applied, limit: 50, cursor } }), [JSON.stringify(applied)]);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  return (
    <>
      <div class="spread">
        <h1>Members</h1>
        <a class="button" href="#/members/new">
          Register a member
        </a>
      </div>
      <form class="filters" role="search" onSubmit={(e) => (e.preventDefault(), setApplied(f))}>
        <label>
          Search
          <input placeholder="id, e-mail or name" value={f.q} onInput={set('q')} />
        </label>
        <Select label="Plan" any="Any" value={f.plan} onChange={(v) => setF({ ...f, plan: v })} options={PLANS} />
        <Select label="Rank" any="Any" value={f.rank} onChange={(v) => setF({ ...f, rank: v })} options={['none', 'bronze', 'silver', 'gold', 'platinum', 'diamond']} />
        <label>
          Status
          <select value={f.status} onChange={set('status')}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="suspended">Suspended</option>
            <option value="terminated">Terminated</option>
          </select>
        </label>
        <label>
          Pack payment
          <select value={f.pending_payment} onChange={set('pending_payment')}>
            <option value="">Any</option>
            <option value="true">Waiting for payment</option>
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      <ErrorBox message={p.error} />
      <Table testId="members" card caption="Members" cols={['Member', 'Plan', 'Rank', 'Status', 'Sponsor', 'Registered']}>
            {p.items.map((m) => (
              <tr key={m.id}>
                <td>
                  <a href={`#/members/${encodeURIComponent(m.id)}`}>{m.name}</a>
                  <div class="muted">
                    {m.id} · {m.email}
                  </div>
                </td>
                <td>{label(m.plan)}</td>
                <td>{m.plan === 'customer' ? '—' : label(m.rank)}</td>
                <td>
                  <StatusBadge status={m.status ?? 'active'} /> {m.pack_pending && <Badge tone="warn">payment pending</Badge>}
                </td>
                <td>{m.sponsor_id ?? '—'}</td>
                <td>{formatDate(m.registered_at)}</td>
              </tr>
            ))}
          </Table>
      <MoreButton p={p} />
    </>
  );
}

interface Member {
  id: string;
  name: string;
  email: string;
  plan: string;
  sponsor_id?: string;
  parent_id?: string;
  leg?: string;
  rank: string;
  registered_at: string;
}

export function MemberPage({ id, tab }: { id: string; tab?: string }) {
  const st = useLoad(() => api<Member>(`/members/${encodeURIComponent(id)}`), [id]);
  const status = useLoad(() => api<{ status: string; history: { status: string; at: string; reason: string }[] }>(`/members/${encodeURIComponent(id)}/status`).catch(() => ({ status: 'active', history: [] })), [id]);
  const pending = useLoad(() => api<Page<TreeNode & { pack_pending?: boolean }>>('/members', { query: { q: id, pending_payment: true, limit: 5 } }), [id]);
  const [reference, setReference] = useState('');
  const confirm = useAction(async () => {
    await api(`/members/${encodeURIComponent(id)}/confirm-payment`, { method: 'POST', body: { payment_reference: reference } });
    pending.reload();
    return 'Payment confirmed: the pack is effective and the next run accounts it.';
  });
  const tabs = ['details', 'wallet', 'statements', 'audit'];
  const current = tab ?? 'details';
  return (
    <>
      <Back to="#/members">Members</Back>
      <Async state={st}>
        {(m) => (
          <>
            <h1>
              {m.name} <span class="muted">({m.id})</span>
            </h1>
            <nav class="row" aria-label="Member sections" style="margin-bottom:1rem">
              {tabs.map((t) => (
                <a key={t} class={'button' + (t === current ? '' : ' secondary')} href={`#/members/${encodeURIComponent(id)}/${t}`} aria-current={t === current ? 'page' : undefined}>
                  {label(t)}
                </a>
              ))}
              {m.plan !== 'customer' && (
                <a class="button secondary" href={`#/members/${encodeURIComponent(id)}/tree`}>
                  Binary tree
                </a>
              )}
            </nav>
            {current === 'details' && (
              <div class="grid">
                {m.plan !== 'customer' && <ComplianceCard id={id} />}
                <Card title="Details">
                  <dl class="kv">
                    <dt>E-mail</dt>
                    <dd>{m.email}</dd>
                    <dt>Plan</dt>
                    <dd>{label(m.plan)}</dd>
                    <dt>Rank</dt>
                    <dd>{label(m.rank)}</dd>
                    <dt>Status</dt>
                    <dd>{status.data ? <StatusBadge status={status.data.status} /> : '…'}</dd>
                    <dt>Sponsor</dt>
                    <dd>{m.sponsor_id ? <a href={`#/members/${encodeURIComponent(m.sponsor_id)}`}>{m.sponsor_id}</a> : '—'}</dd>
                    <dt>Placement</dt>
                    <dd>{m.parent_id ? `${m.leg} of ${m.parent_id}` : '—'}</dd>
                    <dt>Registered</dt>
                    <dd>{formatDateTime(m.registered_at)}</dd>
                  </dl>
                </Card>
                {pending.data && pending.data.items.some((x) => x.id === id) && (
                  <Card title="Pack payment pending">
                    <p class="muted">This member registered through the join page; the pack counts once its payment is confirmed.</p>
                    <form class="stack" onSubmit={(e) => (e.preventDefault(), confirm.run())}>
                      <label>
                        Payment reference
                        <input required value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
                      </label>
                      <ErrorBox message={confirm.error} />
                      <button type="submit" disabled={confirm.busy}>
                        Confirm payment
                      </button>
                    </form>
                  </Card>
                )}
                <OkBox message={confirm.ok} />
                {status.data && status.data.history.length > 0 && (
                  <Card title="Status history">
                    <ul>
                      {status.data.history.map((h, i) => (
                        <li key={i}>
                          {formatDateTime(h.at)}: {label(h.status)} — {h.reason}
                        </li>
                      ))}
                    </ul>
                  </Card>
                )}
                {m.plan !== 'customer' && <Generations id={id} />}
              </div>
            )}
            {current === 'wallet' && <AdminWallet id={id} />}
            {current === 'statements' && <AdminStatements id={id} />}
            {current === 'audit' && <AuditList filter={{ target_type: 'member', target_id: id }} />}
            {current === 'tree' && <AdminTree id={id} />}
          </>
        )}
      </Async>
    </>
  );
}

function AdminTree({ id }: { id: string }) {
  const nodes = useLoad(() => api<Page<TreeNode>>(`/members/${encodeURIComponent(id)}/binary-tree`, { query: { depth: 2 } }), [id]);
  return (
    <Card title="Placement (two levels)">
      <Async state={nodes}>
        {(p) => (
          <ul>
            {p.items.map((n) => (
              <li key={n.id} style={{ marginLeft: n.level * 1.5 + 'rem' }}>
                {n.leg ?? ''} <a href={`#/members/${encodeURIComponent(n.id)}`}>{n.name}</a> ({label(n.rank)}, L {n.left_volume ?? '0'} / R {n.right_volume ?? '0'} BV)
              </li>
            ))}
          </ul>
        )}
      </Async>
    </Card>
  );
}

function Generations({ id }: { id: string }) {
  const g = useLoad(() => api<{ generations: { generation: number; consultants: number; customers: number }[] }>(`/members/${encodeURIComponent(id)}/generations`), [id]);
  return (
    <Card title="Sponsor tree">
      <Async state={g}>
        {(d) => (
          <Table caption="Sponsor generations" cols={['Generation', { label: 'Consultants', num: true }, { label: 'Customers', num: true }]}>
              {d.generations.map((x) => (
                <tr key={x.generation}>
                  <td>{x.generation}</td>
                  <td class="num">{x.consultants}</td>
                  <td class="num">{x.customers}</td>
                </tr>
              ))}
            </Table>
        )}
      </Async>
    </Card>
  );
}

function AdminWallet({ id }: { id: string }) {
  const w = useLoad(() => api<{ balance: string; entries: { id: string; kind: string; amount: string; at: string; reason?: string; run_id?: string }[] }>(`/members/${encodeURIComponent(id)}/wallet`, { query: { limit: 50 } }), [id]);
  return (
    <Async state={w}>
      {(d) => (
        <Card title="Wallet" wide>
          <p class="stat">
            <Money value={d.balance} />
          </p>
          <LedgerTable entries={d.entries} />
        </Card>
      )}
    </Async>
  );
}

function AdminStatements({ id }: { id: string }) {
  const runs = useLoad(() => api<{ runs: { id: string; status: string; period_end: string }[] }>('/payout-runs'), []);
  const [run, setRun] = useState<string>();
  const st = useLoad(() => (run ? api<StatementData>(`/payout-runs/${encodeURIComponent(run)}/members/${encodeURIComponent(id)}/statement`) : Promise.resolve(undefined)), [run, id]);
  return (
    <>
      <Async state={runs}>
        {(r) => (
          <label>
            Run{' '}
            <select value={run ?? ''} onChange={(e) => setRun(e.currentTarget.value || undefined)}>
              <option value="">Choose a run</option>
              {r.runs.map((x) => (
                <option key={x.id} value={x.id}>
                  {formatDate(x.period_end)} ({x.status}) {x.id}
                </option>
              ))}
            </select>
          </label>
        )}
      </Async>
      {run && <Async state={st}>{(s) => (s ? <StatementView st={s} /> : null)}</Async>}
    </>
  );
}

export function NewMember() {
  const [f, setF] = useState({ id: '', name: '', email: '', password: '', plan: 'consultant', sponsor_id: 'root', strategy: 'weaker_leg', parent_id: '', leg: 'left' });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const act = useAction(async () => {
    const body: Record<string, unknown> = { id: f.id, name: f.name, email: f.email, plan: f.plan, sponsor_id: f.sponsor_id };
    if (f.password) body.password = f.password;
    if (f.plan !== 'customer') body.placement = f.strategy === 'manual' ? { parent_id: f.parent_id, leg: f.leg } : { strategy: f.strategy };
    const m = await api<Member>('/members', { method: 'POST', body });
    go('/members/' + encodeURIComponent(m.id));
  });
  return (
    <>
      <h1>Register a member</h1>
      <form class="stack card" onSubmit={(e) => (e.preventDefault(), act.run())}>
        <label>
          Member id
          <input required value={f.id} onInput={set('id')} />
        </label>
        <label>
          Name
          <input required value={f.name} onInput={set('name')} />
        </label>
        <label>
          E-mail (the login)
          <input type="email" required value={f.email} onInput={set('email')} />
        </label>
        <label>
          Password (optional: without one, the member sets it by password reset)
          <input type="password" autocomplete="new-password" value={f.password} onInput={set('password')} />
        </label>
        <Select label="Plan" value={f.plan} onChange={(v) => setF({ ...f, plan: v })} options={PLANS} />
        <label>
          Sponsor id
          <input required value={f.sponsor_id} onInput={set('sponsor_id')} />
        </label>
        {f.plan !== 'customer' && (
          <>
            <label>
              Placement
              <select value={f.strategy} onChange={set('strategy')}>
                <option value="weaker_leg">Weaker leg of the sponsor</option>
                <option value="balanced">Balanced</option>
                <option value="extreme_left">Bottom of the left leg</option>
                <option value="extreme_right">Bottom of the right leg</option>
                <option value="manual">A parent and leg I choose</option>
              </select>
            </label>
            {f.strategy === 'manual' && (
              <div class="row">
                <label>
                  Parent id
                  <input required value={f.parent_id} onInput={set('parent_id')} />
                </label>
                <label>
                  Leg
                  <select value={f.leg} onChange={set('leg')}>
                    <option value="left">Left</option>
                    <option value="right">Right</option>
                  </select>
                </label>
              </div>
            )}
          </>
        )}
        <ErrorBox message={act.error} />
        <button type="submit" disabled={act.busy}>
          Register
        </button>
      </form>
    </>
  );
}
