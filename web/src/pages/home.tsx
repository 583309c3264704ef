import { PackNotice } from './tax';
import { api } from '../api';
import { formatBV, formatDecimal, formatDate, formatDateTime, label, progressPercent } from '../money';
import { AmountTable, Async, Badge, Card, Money, StatusBadge, useLoad, Table } from '../ui';

export interface Dashboard {
  member_id: string;
  name: string;
  plan: string;
  rank: string;
  status: string;
  next_rank?: { name: string; bonus: string; sponsored_actives: { required: string; current: string }; lesser_leg_bv: { required: string; current: string } };
  activity: { active: boolean; personal_volume: string; threshold: string; window_days: number };
  legs: { carry_left: string; carry_right: string; new_left: string; new_right: string; lifetime_left: string; lifetime_right: string; freshness: string };
  projected_earnings: { period_end?: string; as_of?: string; by_type: Record<string, string>; total: string; freshness: string };
  last_run_earnings?: { run_id: string; total: string; by_type: Record<string, string>; period_end?: string };
  lifetime_earnings: { total: string };
  runs: { run_id: string; period_end: string; total: string; by_type: Record<string, string>; by_vendor: Record<string, string> }[];
  wallet: { balance: string; recent: { id: string; kind: string; amount: string; at: string }[] };
  downline: { left_members: number; right_members: number; generations: number[] };
  new_recruits: { id: string; name: string; plan: string; registered_at: string }[];
  customers: { id: string; name: string; email: string; services: { vendor: string; sku: string; product?: string; status: string; activated_at: string }[] }[];
  upcoming_registrations: { gathering_id: string; kind: string; title: string; starts_at: string; status: string; position?: number }[];
  held_sales: { sale_id: string; member_id: string; vendor?: string; sku?: string; bv: string; releases_at: string }[];
}

export function Progress({ current, required, label: l }: { current: string; required: string; label: string }) {
  const pct = progressPercent(current, required);
  return (
    <div>
      <div class="spread">
        <span>{l}</span>
        <span class="muted">
          {current} of {required}
        </span>
      </div>
      <div class="progress" role="progressbar" aria-label={l} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <span style={{ width: pct + '%' }} />
      </div>
    </div>
  );
}

interface Contacts {
  sponsor?: { id: string; name: string; email: string };
  placement_parent?: { id: string; name: string; email: string };
  leg?: string;
}

export function ConsultantHome({ me }: { me: string }) {
  const st = useLoad(() => api<Dashboard>(`/members/${encodeURIComponent(me)}/dashboard`), [me]);
  const contacts = useLoad(() => api<Contacts>(`/members/${encodeURIComponent(me)}/contacts`), [me]);
  return (
    <Async state={st}>
      {(d) => (
        <>
          <div class="spread">
            <h1>Welcome, {d.name}</h1>
            <span class="row">
              <Badge>{label(d.plan)}</Badge> <Badge tone="ok">Rank: {label(d.rank)}</Badge> {d.status !== 'active' && <StatusBadge status={d.status} />}
            </span>
          </div>
          <PackNotice me={me} />
          <div class="grid">
            <Card title="Rank">
              <p class="stat">{label(d.rank)}</p>
              {d.next_rank ? (
                <>
                  <p class="muted">
                    Next: <strong>{label(d.next_rank.name)}</strong> (bonus <Money value={d.next_rank.bonus} />)
                  </p>
                  <Progress label="Active consultants you sponsor" current={d.next_rank.sponsored_actives.current} required={d.next_rank.sponsored_actives.required} />
                  <div style="height:.6rem" />
                  <Progress label="Lesser-leg lifetime BV" current={d.next_rank.lesser_leg_bv.current} required={d.next_rank.lesser_leg_bv.required} />
                </>
              ) : (
                <p class="muted">You hold the top rank.</p>
              )}
            </Card>
            <Card title="Activity">
              <p class="stat">{d.activity.active ? <Badge tone="ok">Active</Badge> : <Badge tone="warn">Not active</Badge>}</p>
              <Progress label={`Personal volume in the last ${d.activity.window_days} days`} current={d.activity.personal_volume} required={d.activity.threshold} />
              <p class="muted">
                You are active with at least {formatBV(d.activity.threshold)} of personal volume in the {d.activity.window_days}-day window before a run's period end.
              </p>
            </Card>
            <Card title="Binary legs" double>
              <Table caption="Leg volumes in BV" cols={['', { label: 'Left BV', num: true }, { label: 'Right BV', num: true }]}>
                  <tr>
                    <th scope="row">Carry</th>
                    <td class="num">{formatDecimal(d.legs.carry_left)}</td>
                    <td class="num">{formatDecimal(d.legs.carry_right)}</td>
                  </tr>
                  <tr>
                    <th scope="row">New this period</th>
                    <td class="num">{formatDecimal(d.legs.new_left)}</td>
                    <td class="num">{formatDecimal(d.legs.new_right)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Lifetime</th>
                    <td class="num">{formatDecimal(d.legs.lifetime_left)}</td>
                    <td class="num">{formatDecimal(d.legs.lifetime_right)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Members</th>
                    <td class="num">{d.downline.left_members}</td>
                    <td class="num">{d.downline.right_members}</td>
                  </tr>
                </Table>
              <p class="muted">Live volume is {d.legs.freshness}.</p>
            </Card>
            <Card title="Projected earnings">
              <p class="stat" data-testid="projected-total">
                <Money value={d.projected_earnings.total} />
              </p>
              <p class="muted">
                For the period ending {formatDate(d.projected_earnings.period_end)}; as of {formatDateTime(d.projected_earnings.as_of)} ({d.projected_earnings.freshness}). A projection, not a payment.
              </p>
              <AmountTable amounts={d.projected_earnings.by_type} caption="Projected earnings by type" />
            </Card>
            <Card title="Wallet">
              <p class="stat" data-testid="wallet-balance">
                <Money value={d.wallet.balance} />
              </p>
              <p class="muted">
                Lifetime earnings <Money value={d.lifetime_earnings.total} />
                {d.last_run_earnings && (
                  <>
                    {' '}
                    · last run <Money value={d.last_run_earnings.total} />
                  </>
                )}
              </p>
              <a href="#/wallet">Ledger and withdrawals</a> · <a href="#/earnings">Earnings</a>
            </Card>
            <Card title="Your team">
              <p>
                {d.downline.generations.reduce((a, b) => a + b, 0)} members in 8 sponsor generations · {d.new_recruits.length} new recruit(s) · {d.customers.length} customer(s)
              </p>
              <ul>
                {d.new_recruits.slice(0, 5).map((r) => (
                  <li key={r.id}>
                    {r.name} <span class="muted">({label(r.plan)}, joined {formatDate(r.registered_at)})</span>
                  </li>
                ))}
              </ul>
              <a href="#/sponsor-tree">Sponsor tree</a> · <a href="#/team">Onboarding</a>
            </Card>
            {d.held_sales.length > 0 && (
              <Card title="Sales on hold">
                <p class="muted">Inside their product's cancellation window: counted once the hold ends.</p>
                <ul>
                  {d.held_sales.map((h) => (
                    <li key={h.sale_id}>
                      {h.sku ?? h.sale_id} for {h.member_id}: {formatBV(h.bv)}, releases {formatDate(h.releases_at)}
                    </li>
                  ))}
                </ul>
              </Card>
            )}
            {contacts.data && (contacts.data.sponsor || contacts.data.placement_parent) && (
              <Card title="Your upline">
                <dl class="kv">
                  {contacts.data.sponsor && (
                    <>
                      <dt>Sponsor</dt>
                      <dd>
                        {contacts.data.sponsor.name} · <a href={`mailto:${contacts.data.sponsor.email}`}>{contacts.data.sponsor.email}</a>
                      </dd>
                    </>
                  )}
                  {contacts.data.placement_parent && (
                    <>
                      <dt>Placed under</dt>
                      <dd>
                        {contacts.data.placement_parent.name} ({contacts.data.leg} leg) ·{' '}
                        <a href={`mailto:${contacts.data.placement_parent.email}`}>{contacts.data.placement_parent.email}</a>
                      </dd>
                    </>
                  )}
                </dl>
              </Card>
            )}
            <Card title="Coming up">
              {d.upcoming_registrations.length === 0 ? (
                <p class="muted">
                  No registrations. <a href="#/events">Find a webinar or event</a>
                </p>
              ) : (
                <ul>
                  {d.upcoming_registrations.map((u) => (
                    <li key={u.gathering_id}>
                      {u.title} — {formatDateTime(u.starts_at)} <StatusBadge status={u.status} /> {u.position ? `place ${u.position}` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
        </>
      )}
    </Async>
  );
}
