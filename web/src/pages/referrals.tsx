import { useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { formatDate, formatDateTime, label } from '../money';
import { Async, Back, Badge, Card, ErrorBox, MoreButton, OkBox, Select, StatusBadge, Table, useAction, useLoad, usePaged } from '../ui';

interface CatalogVendor {
  id: string;
  name: string;
  expiry_days: number;
  products: { sku: string; name: string }[];
}

interface Catalog {
  vendors: CatalogVendor[];
  consent_text: string;
}

interface Prospect {
  name: string;
  email?: string;
  phone?: string;
  address: { line1?: string; line2?: string; city?: string; state?: string; postal_code?: string; country?: string };
}

export interface Referral {
  id: string;
  vendor_id: string;
  vendor_name?: string;
  sku?: string;
  product_name?: string;
  owner_id: string;
  submitted_by: string;
  status: string;
  prospect: Prospect;
  notes?: string;
  consent: { text: string; channel: string; at: string };
  created_at: string;
  updated_at: string;
  expires_at: string;
  expired: boolean;
  customer_id?: string;
  delivery?: { id: string; state: string; attempts: number; delivered_at?: string; via?: string };
  history?: { status: string; at: string; source: string; event_id?: string; note?: string }[];
}

const PIPELINE = ['submitted', 'delivered', 'accepted', 'rejected', 'contacted', 'quoted', 'won', 'lost'];

/** What a referral's status means, in the words a consultant uses. */
const MEANING: Record<string, string> = {
  submitted: 'Saved; on its way to the vendor.',
  delivered: 'The vendor has it.',
  accepted: 'The vendor will follow up.',
  rejected: 'The vendor declined it.',
  contacted: 'The vendor has talked to them.',
  quoted: 'The vendor sent a quote.',
  won: 'They bought: a sale credited to the consultant.',
  lost: 'They decided against it.',
};

function RefStatus({ r }: { r: Pick<Referral, 'status' | 'expired'> }) {
  const tone = ({ won: 'ok', accepted: 'ok', delivered: 'ok', quoted: 'ok', contacted: 'ok', submitted: 'warn', rejected: 'bad', lost: 'bad' } as Record<string, 'ok' | 'warn' | 'bad'>)[r.status];
  return (
    <>
      <Badge tone={tone}>{label(r.status)}</Badge>
      {r.expired && r.status !== 'won' && (
        <>
          {' '}
          <Badge>Expired</Badge>
        </>
      )}
    </>
  );
}

function ReferralForm({ me, role, onDone }: { me: string; role: 'consultant' | 'customer' | 'admin'; onDone: () => void }) {
  const cat = useLoad(() => api<Catalog>('/referral-catalog'), []);
  const empty = { vendor_id: '', sku: '', name: '', email: '', phone: '', line1: '', city: '', state: '', postal_code: '', notes: '', channel: 'web', given: false };
  const [f, setF] = useState(empty);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = useAction(async () => {
    const c = cat.data!;
    const r = await api<Referral>(`/members/${encodeURIComponent(me)}/referrals`, {
      method: 'POST',
      body: {
        vendor_id: f.vendor_id,
        sku: f.sku || undefined,
        notes: f.notes,
        prospect: { name: f.name, email: f.email, phone: f.phone, address: { line1: f.line1, city: f.city, state: f.state, postal_code: f.postal_code } },
        consent: { given: f.given, text: c.consent_text, channel: f.channel },
      },
    });
    setF(empty);
    onDone();
    return `Referral ${r.id} saved. Halo is sending it to ${r.vendor_name ?? r.vendor_id}; it protects ${role === 'customer' ? "your consultant's" : 'your'} credit until ${formatDate(r.expires_at)}.`;
  });
  return (
    <Async state={cat}>
      {(c) => {
        const vendor = c.vendors.find((v) => v.id === f.vendor_id);
        return (
          <form class="stack" onSubmit={(e) => (e.preventDefault(), submit.run())} aria-label="Refer someone">
            <p class="muted">
              {role === 'customer'
                ? 'Know someone who would like these services? Your consultant is credited and the vendor gets in touch.'
                : 'Send a lead to a vendor. Halo delivers it, and the sale is credited to you if they sign up before the referral expires.'}
            </p>
            <Select label="Vendor" any="Choose a vendor" value={f.vendor_id} onChange={(v) => setF({ ...f, vendor_id: v, sku: '' })} options={c.vendors.map((v) => [v.id, v.name] as [string, string])} />
            {vendor && (
              <>
                <Select label="Product of interest" any="Not sure yet" value={f.sku} onChange={(v) => setF({ ...f, sku: v })} options={vendor.products.map((p) => [p.sku, p.name] as [string, string])} />
                <p class="muted">This vendor's referrals protect the credit for {vendor.expiry_days} days.</p>
              </>
            )}
            <label>
              Their name
              <input required value={f.name} onInput={set('name')} autoComplete="off" />
            </label>
            <div class="row">
              <label>
                E-mail
                <input type="email" value={f.email} onInput={set('email')} autoComplete="off" />
              </label>
              <label>
                Phone
                <input type="tel" value={f.phone} onInput={set('phone')} autoComplete="off" />
              </label>
            </div>
            <label>
              Street address
              <input value={f.line1} onInput={set('line1')} autoComplete="off" />
            </label>
            <div class="row">
              <label>
                City
                <input value={f.city} onInput={set('city')} autoComplete="off" />
              </label>
              <label>
                State
                <input value={f.state} onInput={set('state')} size={4} autoComplete="off" />
              </label>
              <label>
                ZIP
                <input value={f.postal_code} onInput={set('postal_code')} size={8} autoComplete="off" />
              </label>
            </div>
            <label>
              Notes for the vendor
              <textarea rows={2} value={f.notes} onInput={set('notes')} />
            </label>
            <fieldset>
              <legend>Their consent to be contacted</legend>
              <blockquote class="consent">{c.consent_text}</blockquote>
              <Select label="How they agreed" value={f.channel} onChange={(v) => setF({ ...f, channel: v })} options={[['web', 'Online'], ['in_person', 'In person'], ['phone', 'By phone'], ['paper', 'On paper'], ['email', 'By e-mail']]} />
              <label class="check">
                <input type="checkbox" checked={f.given} onChange={(e) => setF({ ...f, given: e.currentTarget.checked })} /> They agreed to the text above
              </label>
            </fieldset>
            <ErrorBox message={submit.error} />
            <OkBox message={submit.ok} />
            <button type="submit" disabled={submit.busy || !f.given}>
              Send the referral
            </button>
          </form>
        );
      }}
    </Async>
  );
}

function Pipeline({ me, vendors }: { me: string; vendors: Record<string, string> }) {
  const p = useLoad(() => api<{ pipeline: { vendor_id: string; status: string; count: number }[] }>(`/members/${encodeURIComponent(me)}/referral-pipeline`), [me]);
  return (
    <Async state={p}>
      {(d) => {
        const cell: Record<string, Record<string, number>> = {};
        for (const c of d.pipeline) (cell[c.status] ??= {})[c.vendor_id] = c.count;
        const ids = [...new Set(d.pipeline.map((c) => c.vendor_id))].sort();
        if (ids.length === 0) return <p class="muted">No referrals yet.</p>;
        // One row per stage, with what it means, and a column per vendor.
        return (
          <Table caption="Referrals by status and vendor" testId="pipeline" cols={['Stage', ...ids.map((v) => ({ label: vendors[v] ?? v, num: true })), { label: 'All', num: true }]}>
            {PIPELINE.map((s) => (
              <tr key={s}>
                <td>
                  <strong>{label(s)}</strong>
                  <div class="muted small">{MEANING[s]}</div>
                </td>
                {ids.map((v) => (
                  <td key={v} class="num">
                    {cell[s]?.[v] ?? 0}
                  </td>
                ))}
                <td class="num">{ids.reduce((n, v) => n + (cell[s]?.[v] ?? 0), 0)}</td>
              </tr>
            ))}
          </Table>
        );
      }}
    </Async>
  );
}

/** A member's referrals: the form, the pipeline by vendor, and each referral. */
export function Referrals({ me, role }: { me: string; role: 'consultant' | 'customer' }) {
  const [tick, setTick] = useState(0);
  const [status, setStatus] = useState('');
  const cat = useLoad(() => api<Catalog>('/referral-catalog'), []);
  const names: Record<string, string> = {};
  for (const v of cat.data?.vendors ?? []) names[v.id] = v.name;
  const list = usePaged((cursor) => api<Page<Referral>>(`/members/${encodeURIComponent(me)}/referrals`, { query: { status, limit: 25, cursor } }), [me, status, tick]);
  return (
    <>
      <h1>{role === 'customer' ? 'Refer a friend' : 'Referrals'}</h1>
      <div class="grid">
        <Card title={role === 'customer' ? 'Refer a friend' : 'Refer someone'} double>
          <ReferralForm me={me} role={role} onDone={() => setTick(tick + 1)} />
        </Card>
        {role === 'consultant' && (
          <Card title="Pipeline" double>
            <Pipeline key={tick} me={me} vendors={names} />
          </Card>
        )}
        <Card title={role === 'customer' ? 'Your referrals' : 'Your referrals'} wide>
          <div class="filters">
            <Select label="Status" any="Any" value={status} onChange={setStatus} options={PIPELINE} />
          </div>
          <ErrorBox message={list.error} />
          <Table caption="Referrals" testId="referrals" cols={['Prospect', 'Vendor', 'Status', 'Sent', 'Protects credit until']}>
            {list.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={`#/referrals/${encodeURIComponent(r.id)}`}>{r.prospect.name}</a>
                  {r.submitted_by !== me && <span class="muted"> (from {r.submitted_by})</span>}
                </td>
                <td>
                  {r.vendor_name ?? r.vendor_id}
                  {r.product_name && <span class="muted"> · {r.product_name}</span>}
                </td>
                <td>
                  <RefStatus r={r} />
                </td>
                <td>{formatDate(r.created_at)}</td>
                <td>{formatDate(r.expires_at)}</td>
              </tr>
            ))}
          </Table>
          <MoreButton p={list} />
        </Card>
      </div>
    </>
  );
}

/** One referral with its history: who, what, consent, delivery, each step. */
export function ReferralPage({ id, back }: { id: string; back: string }) {
  const r = useLoad(() => api<Referral>(`/referrals/${encodeURIComponent(id)}`), [id]);
  return (
    <>
      <Back to={back}>Referrals</Back>
      <Async state={r}>
        {(d) => (
          <>
            <h1>
              {d.prospect.name} <RefStatus r={d} />
            </h1>
            <p class="muted">{MEANING[d.status]}</p>
            <div class="grid">
              <Card title="The lead" double>
                <dl class="kv">
                  <dt>Vendor</dt>
                  <dd>
                    {d.vendor_name ?? d.vendor_id}
                    {d.product_name && ` · ${d.product_name}`}
                  </dd>
                  <dt>Contact</dt>
                  <dd>{[d.prospect.email, d.prospect.phone].filter(Boolean).join(' · ')}</dd>
                  <dt>Address</dt>
                  <dd>{[d.prospect.address.line1, d.prospect.address.city, d.prospect.address.state, d.prospect.address.postal_code].filter(Boolean).join(', ') || '—'}</dd>
                  <dt>Credited to</dt>
                  <dd>{d.owner_id}</dd>
                  <dt>Credit protected until</dt>
                  <dd>
                    {formatDate(d.expires_at)} {d.expired && <Badge>Expired</Badge>}
                  </dd>
                  {d.customer_id && (
                    <>
                      <dt>Became customer</dt>
                      <dd>{d.customer_id}</dd>
                    </>
                  )}
                  {d.notes && (
                    <>
                      <dt>Notes</dt>
                      <dd>{d.notes}</dd>
                    </>
                  )}
                </dl>
              </Card>
              <Card title="Consent">
                <blockquote class="consent">{d.consent.text}</blockquote>
                <p class="muted">
                  Given {label(d.consent.channel).toLowerCase()} on {formatDateTime(d.consent.at)}.
                </p>
              </Card>
              <Card title="Delivery to the vendor">
                {d.delivery ? (
                  <p>
                    <StatusBadge status={d.delivery.state === 'dead' ? 'failed' : d.delivery.state === 'delivered' ? 'done' : 'pending'} />{' '}
                    {d.delivery.state === 'delivered'
                      ? `Delivered ${d.delivery.via === 'pull' ? '(the vendor collected it)' : d.delivery.via === 'vendor' ? '(the vendor has answered on it)' : 'by webhook'} on ${formatDateTime(d.delivery.delivered_at)}.`
                      : d.delivery.state === 'dead'
                        ? `Not delivered after ${d.delivery.attempts} attempts; the company has been alerted.`
                        : d.delivery.state === 'pull'
                          ? 'Waiting for the vendor to collect it.'
                          : d.delivery.attempts > 0
                            ? `Retrying (${d.delivery.attempts} attempts so far).`
                            : 'On its way.'}
                  </p>
                ) : (
                  <p class="muted">—</p>
                )}
              </Card>
              <Card title="History" wide>
                <ol class="timeline" data-testid="history">
                  {(d.history ?? []).map((h, i) => (
                    <li key={i}>
                      <RefStatus r={{ status: h.status, expired: false }} /> <span class="muted">{formatDateTime(h.at)}</span> — {h.source === 'vendor' ? 'the vendor' : h.source === 'halo' ? 'Halo' : h.source}
                      {h.note && `: ${h.note}`}
                    </li>
                  ))}
                </ol>
              </Card>
            </div>
          </>
        )}
      </Async>
    </>
  );
}

interface Health {
  vendor_id: string;
  pending: number;
  retrying: number;
  dead: number;
  delivered: number;
  awaiting_pull: number;
  oldest_pending_at?: string;
  latency_p50_ms: number;
  latency_p95_ms: number;
  delivered_last_24h: number;
  webhook_url?: string;
  paused: boolean;
}

interface Delivery {
  id: string;
  vendor_id: string;
  referral_id: string;
  state: string;
  attempts: number;
  next_attempt_at?: string;
  last_error?: string;
  created_at: string;
  delivered_at?: string;
  via?: string;
}

/** The admin's view: delivery health per vendor, dead letters to redeliver, every referral. */
export function AdminReferrals({ query }: { query: URLSearchParams }) {
  const health = useLoad(() => api<{ vendors: Health[] }>('/referral-deliveries/health'), []);
  const [state, setState] = useState(query.get('state') ?? 'dead');
  const [tick, setTick] = useState(0);
  const dels = usePaged((cursor) => api<Page<Delivery>>('/referral-deliveries', { query: { state, limit: 25, cursor } }), [state, tick]);
  const [status, setStatus] = useState('');
  const refs = usePaged((cursor) => api<Page<Referral>>('/referrals', { query: { status, limit: 25, cursor } }), [status]);
  const redeliver = useAction(async (id: string) => {
    await api(`/referral-deliveries/${encodeURIComponent(id)}/redeliver`, { method: 'POST' });
    setTick(tick + 1);
    health.reload();
    return `Delivery ${id} is queued again (same idempotency key).`;
  });
  return (
    <>
      <h1>Referrals</h1>
      <div class="grid">
        <Card title="Delivery health" wide>
          <p class="muted">Referrals Halo owes each vendor. Retrying ones go out again on a growing delay; dead-lettered ones wait for you to redeliver them. Latency is from submission to the vendor's answer, over the last 24 hours.</p>
          <Async state={health}>
            {(h) => (
              <Table caption="Delivery health by vendor" testId="delivery-health" cols={['Vendor', 'Webhook', { label: 'Pending', num: true }, { label: 'Retrying', num: true }, { label: 'Dead', num: true }, { label: 'Awaiting pull', num: true }, { label: 'Delivered', num: true }, { label: 'p50', num: true }, { label: 'p95', num: true }, 'Oldest waiting']}>
                {h.vendors.map((v) => (
                  <tr key={v.vendor_id}>
                    <td>
                      <a href={`#/vendors/${encodeURIComponent(v.vendor_id)}`}>{v.vendor_id}</a>
                    </td>
                    <td>{v.paused ? <Badge tone="warn">Paused</Badge> : v.webhook_url ? <Badge tone="ok">Webhook</Badge> : <Badge>Pull</Badge>}</td>
                    <td class="num">{v.pending}</td>
                    <td class="num">{v.retrying}</td>
                    <td class="num">{v.dead > 0 ? <Badge tone="bad">{v.dead}</Badge> : 0}</td>
                    <td class="num">{v.awaiting_pull}</td>
                    <td class="num">{v.delivered}</td>
                    <td class="num">{v.delivered_last_24h ? `${v.latency_p50_ms} ms` : '—'}</td>
                    <td class="num">{v.delivered_last_24h ? `${v.latency_p95_ms} ms` : '—'}</td>
                    <td>{v.oldest_pending_at ? formatDateTime(v.oldest_pending_at) : '—'}</td>
                  </tr>
                ))}
              </Table>
            )}
          </Async>
        </Card>
        <Card title="Deliveries" wide>
          <div class="filters">
            <Select label="State" any="Any" value={state} onChange={setState} options={[['dead', 'Dead-lettered'], ['pending', 'Pending or retrying'], ['pull', 'Awaiting pull'], ['delivered', 'Delivered']]} />
          </div>
          <ErrorBox message={dels.error || redeliver.error} />
          <OkBox message={redeliver.ok} />
          <Table caption="Deliveries" testId="deliveries" cols={['Delivery', 'Vendor', 'State', { label: 'Attempts', num: true }, 'Last error', 'Created', '']}>
            {dels.items.map((d) => (
              <tr key={d.id}>
                <td>
                  <a href={`#/referral-deliveries/${encodeURIComponent(d.id)}`}>{d.id}</a>
                </td>
                <td>{d.vendor_id}</td>
                <td>
                  <StatusBadge status={d.state === 'dead' ? 'failed' : d.state} />
                </td>
                <td class="num">{d.attempts}</td>
                <td>{d.last_error ?? ''}</td>
                <td>{formatDateTime(d.created_at)}</td>
                <td>
                  {(d.state === 'dead' || d.state === 'delivered') && (
                    <button class="secondary" disabled={redeliver.busy} onClick={() => redeliver.run(d.id)}>
                      Redeliver
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </Table>
          <MoreButton p={dels} />
        </Card>
        <Card title="All referrals" wide>
          <div class="filters">
            <Select label="Status" any="Any" value={status} onChange={setStatus} options={PIPELINE} />
          </div>
          <ErrorBox message={refs.error} />
          <Table caption="All referrals" cols={['Prospect', 'Vendor', 'Consultant', 'Status', 'Sent']}>
            {refs.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={`#/referrals/${encodeURIComponent(r.id)}`}>{r.prospect.name}</a>
                </td>
                <td>{r.vendor_name ?? r.vendor_id}</td>
                <td>
                  <a href={`#/members/${encodeURIComponent(r.owner_id)}`}>{r.owner_id}</a>
                </td>
                <td>
                  <RefStatus r={r} />
                </td>
                <td>{formatDate(r.created_at)}</td>
              </tr>
            ))}
          </Table>
          <MoreButton p={refs} />
        </Card>
      </div>
    </>
  );
}

/** One delivery and its attempt log. */
export function DeliveryPage({ id }: { id: string }) {
  const d = useLoad(() => api<Delivery & { attempts_log: { n: number; at: string; status_code?: number; error?: string; duration_ms: number; outcome: string }[] }>(`/referral-deliveries/${encodeURIComponent(id)}`), [id]);
  const redeliver = useAction(async () => {
    await api(`/referral-deliveries/${encodeURIComponent(id)}/redeliver`, { method: 'POST' });
    d.reload();
    return 'Queued again.';
  });
  return (
    <>
      <Back to="#/referrals">Referrals</Back>
      <Async state={d}>
        {(x) => (
          <>
            <h1>
              Delivery {x.id} <StatusBadge status={x.state === 'dead' ? 'failed' : x.state} />
            </h1>
            <p>
              Referral <a href={`#/referrals/${encodeURIComponent(x.referral_id)}`}>{x.referral_id}</a> to {x.vendor_id}.{' '}
              {x.state === 'pending' && x.next_attempt_at && `Next attempt ${formatDateTime(x.next_attempt_at)}.`}
            </p>
            {(x.state === 'dead' || x.state === 'delivered') && (
              <button class="secondary" onClick={() => redeliver.run()} disabled={redeliver.busy}>
                Redeliver
              </button>
            )}
            <ErrorBox message={redeliver.error} />
            <OkBox message={redeliver.ok} />
            <Table caption="Attempts" testId="attempts" cols={[{ label: '#', num: true }, 'When', { label: 'HTTP', num: true }, { label: 'Took', num: true }, 'Outcome', 'Error']}>
              {x.attempts_log.map((a) => (
                <tr key={a.n + a.at}>
                  <td class="num">{a.n}</td>
                  <td>{formatDateTime(a.at)}</td>
                  <td class="num">{a.status_code || '—'}</td>
                  <td class="num">{a.duration_ms} ms</td>
                  <td>{label(a.outcome)}</td>
                  <td>{a.error ?? ''}</td>
                </tr>
              ))}
            </Table>
          </>
        )}
      </Async>
    </>
  );
}

/** The referral terms on a vendor's page: webhook, expiry, pause. */
export function ReferralSettingsCard({ vendor }: { vendor: string }) {
  const st = useLoad(() => api<{ webhook_url: string; expiry_days: number; paused: boolean }>(`/vendors/${encodeURIComponent(vendor)}/referral-settings`), [vendor]);
  const [f, setF] = useState<{ webhook_url: string; expiry_days: string; paused: boolean } | null>(null);
  const cur = f ?? (st.data ? { webhook_url: st.data.webhook_url ?? '', expiry_days: String(st.data.expiry_days), paused: st.data.paused } : null);
  const save = useAction(async () => {
    await api(`/vendors/${encodeURIComponent(vendor)}/referral-settings`, { method: 'PUT', body: { webhook_url: cur!.webhook_url, expiry_days: Number.parseInt(cur!.expiry_days || '0', 10), paused: cur!.paused } });
    st.reload();
    setF(null);
    return 'Saved.';
  });
  return (
    <Card title="Referrals">
      <Async state={st}>
        {() => (
          <form class="stack" onSubmit={(e) => (e.preventDefault(), save.run())}>
            <label>
              Webhook URL
              <input type="url" placeholder="https://… (empty: the vendor pulls)" value={cur!.webhook_url} onInput={(e) => setF({ ...cur!, webhook_url: e.currentTarget.value })} />
            </label>
            <p class="muted">Each referral is POSTed there, signed with the vendor's secret like its own events (X-Timestamp, X-Signature), with an Idempotency-Key. Private and internal addresses are refused.</p>
            <label>
              Protects the consultant's credit for (days)
              <input type="number" min={1} max={730} value={cur!.expiry_days} onInput={(e) => setF({ ...cur!, expiry_days: e.currentTarget.value })} />
            </label>
            <label class="check">
              <input type="checkbox" checked={cur!.paused} onChange={(e) => setF({ ...cur!, paused: e.currentTarget.checked })} /> Pause deliveries (the vendor's maintenance); they wait and go in order
            </label>
            <ErrorBox message={save.error} />
            <OkBox message={save.ok} />
            <button type="submit" disabled={save.busy}>
              Save referral terms
            </button>
          </form>
        )}
      </Async>
    </Card>
  );
}

export interface Conversion {
  id: string;
  name?: string;
  referrals: number;
  won: number;
  lost: number;
  conversion_rate: string;
}

/** The admin overview's referral conversion table. */
export function ConversionCard({ c }: { c?: { by_vendor: Conversion[]; by_consultant: Conversion[] } }) {
  if (!c) return null;
  const rows = (xs: Conversion[], link: (id: string) => string) =>
    xs.map((x) => (
      <tr key={x.id}>
        <td>
          <a href={link(x.id)}>{x.name || x.id}</a>
        </td>
        <td class="num">{x.referrals}</td>
        <td class="num">{x.won}</td>
        <td class="num">{x.conversion_rate} %</td>
      </tr>
    ));
  const cols = ['', { label: 'Referrals', num: true }, { label: 'Won', num: true }, { label: 'Conversion', num: true }];
  return (
    <Card title="Referral conversion" double>
      {c.by_vendor.length === 0 ? (
        <p class="muted">No referrals yet.</p>
      ) : (
        <>
          <Table caption="Referral conversion by vendor" testId="conversion-vendor" cols={[{ label: 'Vendor' }, ...cols.slice(1)]}>
            {rows(c.by_vendor, (id) => `#/vendors/${encodeURIComponent(id)}`)}
          </Table>
          <Table caption="Referral conversion by consultant (most referrals)" cols={[{ label: 'Consultant' }, ...cols.slice(1)]}>
            {rows(c.by_consultant.slice(0, 10), (id) => `#/members/${encodeURIComponent(id)}`)}
          </Table>
        </>
      )}
      <a href="#/referrals">Referrals and delivery health</a>
    </Card>
  );
}
