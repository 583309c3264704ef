import { useState } from 'preact/hooks';
import { api, download, type Page } from '../api';
import { formatDate, formatDateTime, label } from '../money';
import { Async, Back, Badge, Card, ErrorBox, Money, MoreButton, OkBox, Select, StatusBadge, Table, useAction, useLoad, usePaged } from '../ui';

interface Address {
  line1: string;
  line2?: string;
  city: string;
  state: string;
  postal_code: string;
}

export interface Compliance {
  member_id: string;
  tax_profile?: { legal_name: string; business_name?: string; entity_type: string; tin_type: string; tin: string; address: Address; certified_at?: string; updated_at: string };
  payout_method?: { account_holder: string; routing_number: string; account_number: string; account_type: string; updated_at: string };
  kyc: { status: string; reason?: string; at?: string; by?: string };
  hold: { active: boolean; reason?: string; since?: string; by?: string };
  can_withdraw: boolean;
  missing?: string[];
  backup_withholding_rate?: string;
  policy: string;
}

const ENTITY = [
  ['individual', 'Individual'],
  ['sole_proprietor', 'Sole proprietor'],
  ['llc', 'LLC'],
  ['c_corporation', 'C corporation'],
  ['s_corporation', 'S corporation'],
  ['partnership', 'Partnership'],
  ['trust_estate', 'Trust or estate'],
] as [string, string][];

/** What stops a withdrawal, in words. */
function Readiness({ c }: { c: Compliance }) {
  return (
    <>
      {c.hold.active && (
        <div class="alert error" role="alert">
          Payouts are on hold: {c.hold.reason}. Commissions still reach the wallet; withdrawals wait until the hold is lifted.
        </div>
      )}
      {c.can_withdraw ? (
        <p>
          <Badge tone="ok">Ready</Badge> Withdrawals can be requested.
          {c.backup_withholding_rate && ` Until a W-9 is certified, ${c.backup_withholding_rate} % of each withdrawal is withheld for the IRS (backup withholding).`}
        </p>
      ) : (
        <>
          <p>
            <Badge tone="warn">Not yet</Badge> Before your first withdrawal:
          </p>
          <ul data-testid="missing">
            {(c.missing ?? []).map((m) => (
              <li key={m}>{m.replace(/^[a-z_]+: /, '')}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** The consultant's tax profile (W-9) and bank account, masked once saved. */
export function TaxAndPayouts({ me }: { me: string }) {
  const st = useLoad(() => api<Compliance>(`/members/${encodeURIComponent(me)}/compliance`), [me]);
  const [w9, setW9] = useState({ legal_name: '', business_name: '', entity_type: 'individual', tin_type: 'ssn', tin: '', line1: '', city: '', state: '', postal_code: '', certify: false });
  const [bank, setBank] = useState({ account_holder: '', routing_number: '', account_number: '', account_type: 'checking' });
  const setW = (k: keyof typeof w9) => (e: { currentTarget: { value: string } }) => setW9({ ...w9, [k]: e.currentTarget.value });
  const setB = (k: keyof typeof bank) => (e: { currentTarget: { value: string } }) => setBank({ ...bank, [k]: e.currentTarget.value });
  const saveW9 = useAction(async () => {
    await api(`/members/${encodeURIComponent(me)}/tax-profile`, {
      method: 'PUT',
      body: { legal_name: w9.legal_name, business_name: w9.business_name, entity_type: w9.entity_type, tin_type: w9.tin_type, tin: w9.tin, certify: w9.certify,
        address: { line1: w9.line1, city: w9.city, state: w9.state, postal_code: w9.postal_code } },
    });
    setW9({ ...w9, tin: '', certify: false });
    st.reload();
    return 'W-9 saved. Your TIN is stored encrypted; only its last four digits are ever shown.';
  });
  const saveBank = useAction(async () => {
    await api(`/members/${encodeURIComponent(me)}/payout-method`, { method: 'PUT', body: bank });
    setBank({ ...bank, account_number: '' });
    st.reload();
    return 'Bank account saved.';
  });
  return (
    <>
      <h1>Tax & payouts</h1>
      <Async state={st}>
        {(c) => (
          <div class="grid">
            <Card title="Where you stand" double>
              <Readiness c={c} />
              <dl class="kv">
                <dt>W-9</dt>
                <dd>{c.tax_profile ? `${c.tax_profile.legal_name}, ${c.tax_profile.tin_type.toUpperCase()} ${c.tax_profile.tin}, certified ${formatDate(c.tax_profile.certified_at)}` : 'Not on file'}</dd>
                <dt>Bank account</dt>
                <dd>{c.payout_method ? `${label(c.payout_method.account_type)} ${c.payout_method.account_number} at routing ${c.payout_method.routing_number}` : 'Not on file'}</dd>
                <dt>Identity check</dt>
                <dd>
                  <StatusBadge status={c.kyc.status === 'verified' ? 'approved' : c.kyc.status === 'rejected' ? 'rejected' : 'pending'} /> {label(c.kyc.status)}
                  {c.kyc.reason && ` — ${c.kyc.reason}`}
                </dd>
              </dl>
            </Card>
            <Payments me={me} />
            <Card title="Tax profile (Form W-9)">
              <form class="stack" onSubmit={(e) => (e.preventDefault(), saveW9.run())}>
                <label>
                  Legal name (as on your tax return)
                  <input required value={w9.legal_name} onInput={setW('legal_name')} autoComplete="name" />
                </label>
                <label>
                  Business name (if different)
                  <input value={w9.business_name} onInput={setW('business_name')} />
                </label>
                <Select label="Tax classification" value={w9.entity_type} onChange={(v) => setW9({ ...w9, entity_type: v })} options={ENTITY} />
                <div class="row">
                  <Select label="TIN type" value={w9.tin_type} onChange={(v) => setW9({ ...w9, tin_type: v })} options={[['ssn', 'SSN'], ['ein', 'EIN']]} />
                  <label>
                    Taxpayer identification number
                    <input required value={w9.tin} onInput={setW('tin')} autoComplete="off" inputMode="numeric" placeholder={w9.tin_type === 'ssn' ? '123-45-6789' : '12-3456789'} />
                  </label>
                </div>
                <label>
                  Street address
                  <input required value={w9.line1} onInput={setW('line1')} autoComplete="street-address" />
                </label>
                <div class="row">
                  <label>
                    City
                    <input required value={w9.city} onInput={setW('city')} />
                  </label>
                  <label>
                    State
                    <input required value={w9.state} onInput={setW('state')} size={4} />
                  </label>
                  <label>
                    ZIP
                    <input required value={w9.postal_code} onInput={setW('postal_code')} size={10} />
                  </label>
                </div>
                <label class="check">
                  <input type="checkbox" checked={w9.certify} onChange={(e) => setW9({ ...w9, certify: e.currentTarget.checked })} /> Under penalties of perjury, I certify that the number
                  above is my correct taxpayer identification number and that I am not subject to backup withholding.
                </label>
                <ErrorBox message={saveW9.error} />
                <OkBox message={saveW9.ok} />
                <button type="submit" disabled={saveW9.busy || !w9.certify}>
                  Save W-9
                </button>
              </form>
            </Card>
            <Card title="Bank account for payouts">
              <form class="stack" onSubmit={(e) => (e.preventDefault(), saveBank.run())}>
                <label>
                  Account holder
                  <input required maxLength={22} value={bank.account_holder} onInput={setB('account_holder')} />
                </label>
                <label>
                  Routing number
                  <input required inputMode="numeric" value={bank.routing_number} onInput={setB('routing_number')} placeholder="9 digits" />
                </label>
                <label>
                  Account number
                  <input required inputMode="numeric" value={bank.account_number} onInput={setB('account_number')} autoComplete="off" />
                </label>
                <Select label="Account type" value={bank.account_type} onChange={(v) => setBank({ ...bank, account_type: v })} options={['checking', 'savings']} />
                <ErrorBox message={saveBank.error} />
                <OkBox message={saveBank.ok} />
                <button type="submit" disabled={saveBank.busy}>
                  Save bank account
                </button>
              </form>
            </Card>
          </div>
        )}
      </Async>
    </>
  );
}

/** The admin's compliance card on a member page: KYC, hold, forfeit. */
export function ComplianceCard({ id }: { id: string }) {
  const st = useLoad(() => api<Compliance>(`/members/${encodeURIComponent(id)}/compliance`), [id]);
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState('');
  const act = useAction(async (path: string, body: Record<string, unknown>, done: string) => {
    await api(`/members/${encodeURIComponent(id)}/${path}`, { method: 'POST', body });
    setReason('');
    setAmount('');
    st.reload();
    return done;
  });
  return (
    <Card title="Compliance" double>
      <Async state={st}>
        {(c) => (
          <>
            <Readiness c={c} />
            <dl class="kv">
              <dt>W-9</dt>
              <dd>{c.tax_profile ? `${c.tax_profile.legal_name} · ${label(c.tax_profile.entity_type)} · ${c.tax_profile.tin_type.toUpperCase()} ${c.tax_profile.tin}` : 'Not on file'}</dd>
              <dt>Bank</dt>
              <dd>{c.payout_method ? `${c.payout_method.account_number} (${c.payout_method.account_type}), routing ${c.payout_method.routing_number}` : 'Not on file'}</dd>
              <dt>KYC</dt>
              <dd>
                {label(c.kyc.status)} {c.kyc.at && <span class="muted">({formatDateTime(c.kyc.at)}, {c.kyc.by})</span>}
              </dd>
              <dt>Hold</dt>
              <dd>{c.hold.active ? <Badge tone="bad">On hold: {c.hold.reason}</Badge> : c.hold.reason ? <span class="muted">{c.hold.reason}</span> : 'None'}</dd>
            </dl>
            <label>
              Reason (for a rejection, a hold, a release or a forfeit)
              <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
            <div class="row">
              <button class="secondary" disabled={act.busy} onClick={() => act.run('kyc', { status: 'verified', reason }, 'Identity verified.')}>
                Mark KYC verified
              </button>
              <button class="secondary" disabled={act.busy} onClick={() => act.run('kyc', { status: 'rejected', reason }, 'KYC rejected.')}>
                Reject KYC
              </button>
              {c.hold.active ? (
                <button class="secondary" disabled={act.busy} onClick={() => act.run('hold/release', { reason }, 'Hold released: withdrawals can be approved again.')}>
                  Release hold
                </button>
              ) : (
                <button class="danger" disabled={act.busy} onClick={() => act.run('hold', { reason }, 'Payouts on hold.')}>
                  Hold payouts
                </button>
              )}
            </div>
            {c.hold.active && (
              <form class="row" onSubmit={(e) => (e.preventDefault(), act.run('hold/forfeit', { amount, reason }, `Forfeited ${amount}.`))}>
                <label>
                  Forfeit amount
                  <input inputMode="decimal" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} placeholder="0.00" />
                </label>
                <button type="submit" class="danger" disabled={act.busy}>
                  Forfeit
                </button>
              </form>
            )}
            <ErrorBox message={act.error} />
            <OkBox message={act.ok} />
          </>
        )}
      </Async>
    </Card>
  );
}

interface Batch {
  id: string;
  number: number;
  status: string;
  created_at: string;
  effective_date: string;
  sent_at?: string;
  count: number;
  total: string;
  entries?: { withdrawal_id: string; member_id: string; account_holder: string; routing_number: string; account_number: string; account_type: string; amount: string; trace_number: string; status: string; reason?: string }[];
  skipped?: { withdrawal_id: string; member_id: string; reason: string }[];
}

/** Payout batches: collect approved withdrawals, download the ACH file, mark it sent. */
export function Batches() {
  const list = usePaged((cursor) => api<Page<Batch>>('/payout-batches', { query: { limit: 20, cursor } }), []);
  const [made, setMade] = useState<Batch>();
  const create = useAction(async () => {
    const b = await api<Batch>('/payout-batches', { method: 'POST', body: {} });
    setMade(b);
    list.reload();
    return `Batch ${b.number}: ${b.count} payments, ${b.total}.`;
  });
  return (
    <>
      <h1>Payout batches</h1>
      <div class="grid">
        <Card title="New batch">
          <p class="muted">Every approved withdrawal whose member has a bank account and no compliance hold goes into one ACH file, net of any backup withholding. Bank details are frozen into the batch.</p>
          <button onClick={() => create.run()} disabled={create.busy}>
            Create a batch
          </button>
          <ErrorBox message={create.error} />
          <OkBox message={create.ok} />
          {made?.skipped && made.skipped.length > 0 && (
            <>
              <p>Left out:</p>
              <ul>
                {made.skipped.map((s) => (
                  <li key={s.withdrawal_id}>
                    {s.member_id}: {s.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        <Card title="Batches" wide>
          <ErrorBox message={list.error} />
          <Table caption="Payout batches" testId="batches" cols={[{ label: '#', num: true }, 'Created', 'Effective', 'Status', { label: 'Payments', num: true }, { label: 'Total', num: true }]}>
            {list.items.map((b) => (
              <tr key={b.id}>
                <td class="num">
                  <a href={`#/batches/${encodeURIComponent(b.id)}`}>{b.number}</a>
                </td>
                <td>{formatDateTime(b.created_at)}</td>
                <td>{formatDate(b.effective_date)}</td>
                <td>
                  <StatusBadge status={b.status === 'sent' ? 'paid' : 'pending'} /> {label(b.status)}
                </td>
                <td class="num">{b.count}</td>
                <td class="num">
                  <Money value={b.total} />
                </td>
              </tr>
            ))}
          </Table>
          <MoreButton p={list} />
        </Card>
      </div>
    </>
  );
}

const RETURN_CODES = ['R01', 'R02', 'R03', 'R04', 'R06', 'R07', 'R08', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R16', 'R17', 'R20', 'R23', 'R24', 'R29'];

export function BatchPage({ id }: { id: string }) {
  const b = useLoad(() => api<Batch>(`/payout-batches/${encodeURIComponent(id)}`), [id]);
  const [code, setCode] = useState('R03');
  const act = useAction(async (what: 'sent' | 'file' | 'return', wd?: string) => {
    if (what === 'file') {
      await download(`/payout-batches/${encodeURIComponent(id)}/nacha`, `halo-payouts-${b.data?.number}.ach`);
      return 'ACH file downloaded (the download is in the audit log).';
    }
    if (what === 'sent') {
      await api(`/payout-batches/${encodeURIComponent(id)}/sent`, { method: 'POST' });
      b.reload();
      return 'Marked sent: every withdrawal in it is paid.';
    }
    await api(`/withdrawals/${encodeURIComponent(wd!)}/return`, { method: 'POST', body: { return_code: code } });
    b.reload();
    return `Return ${code} recorded: the amount is back in the member's wallet.`;
  });
  return (
    <>
      <Back to="#/batches">Payout batches</Back>
      <Async state={b}>
        {(x) => (
          <>
            <h1>
              Batch {x.number} <StatusBadge status={x.status === 'sent' ? 'paid' : 'pending'} />
            </h1>
            <p>
              {x.count} payments, <Money value={x.total} />, effective {formatDate(x.effective_date)}.
            </p>
            <div class="row">
              <button class="secondary" onClick={() => act.run('file')} disabled={act.busy}>
                Download ACH file
              </button>
              {x.status === 'created' && (
                <button onClick={() => confirm(`Mark batch ${x.number} sent to the bank? Its ${x.count} withdrawals become paid.`) && act.run('sent')} disabled={act.busy}>
                  Mark sent to the bank
                </button>
              )}
              {x.status === 'sent' && <Select label="Return code" value={code} onChange={setCode} options={RETURN_CODES} />}
            </div>
            <ErrorBox message={act.error} />
            <OkBox message={act.ok} />
            <Table caption="Entries" testId="batch-entries" cols={['Trace', 'Member', 'Account', { label: 'Amount', num: true }, 'Status', '']}>
              {(x.entries ?? []).map((e) => (
                <tr key={e.withdrawal_id}>
                  <td>{e.trace_number}</td>
                  <td>
                    <a href={`#/members/${encodeURIComponent(e.member_id)}`}>{e.account_holder}</a>
                  </td>
                  <td>
                    {e.account_number} <span class="muted">({e.account_type}, {e.routing_number})</span>
                  </td>
                  <td class="num">
                    <Money value={e.amount} />
                  </td>
                  <td>
                    <StatusBadge status={e.status === 'returned' ? 'failed' : e.status} /> {e.reason}
                  </td>
                  <td>
                    {e.status === 'paid' && (
                      <button class="secondary" disabled={act.busy} onClick={() => act.run('return', e.withdrawal_id)}>
                        Record return
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
          </>
        )}
      </Async>
    </>
  );
}

interface Recipient {
  member_id: string;
  name: string;
  tin?: string;
  address: Address;
  nonemployee_compensation: string;
  federal_income_tax_withheld: string;
}

/** Form 1099-NEC for a year. */
export function TaxReports() {
  const last = new Date().getUTCFullYear() - 1;
  const [year, setYear] = useState(String(new Date().getUTCFullYear()));
  const r = useLoad(
    () => api<{ year: number; threshold: string; basis: string; recipients: Recipient[]; missing_tin: Recipient[]; exempt_corporations: Recipient[]; total_nonemployee_compensation: string; total_withheld: string }>('/tax-reports/1099-nec', { query: { year } }),
    [year],
  );
  const csv = useAction(async () => {
    await download('/tax-reports/1099-nec.csv', `1099-nec-${year}.csv`, { year });
    return 'Filing CSV downloaded (full TINs; the download is in the audit log).';
  });
  const table = (xs: Recipient[], caption: string, testId?: string) => (
    <Table caption={caption} testId={testId} cols={['Recipient', 'TIN', 'Address', { label: 'Box 1', num: true }, { label: 'Box 4', num: true }]}>
      {xs.map((x) => (
        <tr key={x.member_id}>
          <td>
            <a href={`#/members/${encodeURIComponent(x.member_id)}`}>{x.name}</a>
          </td>
          <td>{x.tin || '—'}</td>
          <td>{[x.address.line1, x.address.city, x.address.state, x.address.postal_code].filter(Boolean).join(', ') || '—'}</td>
          <td class="num">
            <Money value={x.nonemployee_compensation} />
          </td>
          <td class="num">
            <Money value={x.federal_income_tax_withheld} />
          </td>
        </tr>
      ))}
    </Table>
  );
  return (
    <>
      <h1>Form 1099-NEC</h1>
      <div class="filters">
        <Select label="Tax year" value={year} onChange={setYear} options={[String(last + 1), String(last), String(last - 1)]} />
        <button class="secondary" onClick={() => csv.run()} disabled={csv.busy}>
          Download filing CSV
        </button>
      </div>
      <ErrorBox message={csv.error} />
      <OkBox message={csv.ok} />
      <Async state={r}>
        {(d) => (
          <div class="grid">
            <Card title={`Recipients (${d.recipients.length})`} wide>
              <p class="muted">
                Threshold {d.year}: <Money value={d.threshold} />. {d.basis}
              </p>
              {table(d.recipients, 'Recipients to file', 'recipients')}
              <p>
                Total box 1 <Money value={d.total_nonemployee_compensation} />, box 4 <Money value={d.total_withheld} />.
              </p>
            </Card>
            <Card title={`No certified TIN (${d.missing_tin.length})`} wide>
              <p class="muted">These consultants reached the threshold (or had tax withheld) but have no certified W-9: collect one before filing; until then their withdrawals need backup withholding.</p>
              {table(d.missing_tin, 'Recipients without a TIN')}
            </Card>
            {d.exempt_corporations.length > 0 && (
              <Card title="Corporations (not reported)" wide>
                {table(d.exempt_corporations, 'Exempt corporations')}
              </Card>
            )}
          </div>
        )}
      </Async>
    </>
  );
}

interface EarningsRow {
  rank: string;
  participants: number;
  share_of_participants: string;
  min: string;
  p10: string;
  p25: string;
  median: string;
  p75: string;
  p90: string;
  mean: string;
  max: string;
  share_earned_nothing: string;
  median_tenure_days: number;
}

/** The income disclosure statement, printable. */
export function IncomeDisclosure({ admin }: { admin: boolean }) {
  const [year, setYear] = useState(String(new Date().getUTCFullYear()));
  const d = useLoad(
    () => api<{ from: string; to: string; basis: string; all: EarningsRow; by_rank: EarningsRow[]; customers: number; sales_bv_customers: string; sales_bv_consultants: string; share_of_sales_bv_customers: string }>('/income-disclosure', { query: { year } }),
    [year],
  );
  const csv = useAction(async () => {
    await download('/income-disclosure.csv', `income-disclosure-${year}.csv`, { year });
  });
  const y = new Date().getUTCFullYear();
  return (
    <>
      <h1>Income disclosure statement</h1>
      <div class="filters no-print">
        <Select label="Year" value={year} onChange={setYear} options={[String(y), String(y - 1), String(y - 2)]} />
        <button class="secondary" onClick={() => print()}>
          Print
        </button>
        {admin && (
          <button class="secondary" onClick={() => csv.run()}>
            Download CSV
          </button>
        )}
      </div>
      <Async state={d}>
        {(x) => (
          <section class="card disclosure" aria-label="Statement">
            <p>
              <strong>
                {formatDate(x.from)} – {formatDate(new Date(new Date(x.to).getTime() - 86400000).toISOString())}
              </strong>
            </p>
            <p class="basis" data-testid="basis">
              {x.basis}
            </p>
            <p>
              {x.all.participants} consultants in the period. <strong>{x.all.share_earned_nothing} %</strong> earned nothing. Half earned {x.all.median} or less. The median
              consultant had been with the company {x.all.median_tenure_days} days.
            </p>
            <Table caption="Earnings by highest rank held" testId="disclosure" cols={['Rank', { label: 'Consultants', num: true }, { label: '% of all', num: true }, { label: 'Earned nothing', num: true }, { label: 'Min', num: true }, { label: '10th', num: true }, { label: '25th', num: true }, { label: 'Median', num: true }, { label: '75th', num: true }, { label: '90th', num: true }, { label: 'Mean', num: true }, { label: 'Max', num: true }, { label: 'Median tenure', num: true }]}>
              {[...x.by_rank, x.all].map((r) => (
                <tr key={r.rank}>
                  <th scope="row">{r.rank === 'all' ? 'All consultants' : label(r.rank)}</th>
                  <td class="num">{r.participants}</td>
                  <td class="num">{r.share_of_participants} %</td>
                  <td class="num">{r.share_earned_nothing} %</td>
                  {[r.min, r.p10, r.p25, r.median, r.p75, r.p90, r.mean, r.max].map((v, i) => (
                    <td key={i} class="num">
                      <Money value={v} />
                    </td>
                  ))}
                  <td class="num">{r.median_tenure_days} days</td>
                </tr>
              ))}
            </Table>
            <p>
              {x.customers} customers bought services in the period. Of all sales volume, customers bought {x.share_of_sales_bv_customers} % ({x.sales_bv_customers} BV) and
              consultants {x.sales_bv_consultants} BV.
            </p>
          </section>
        )}
      </Async>
    </>
  );
}

interface Payment {
  id: string;
  purpose: string;
  plan: string;
  amount: string;
  provider_id: string;
  status: string;
  failure_reason?: string;
  created_at: string;
}

/** The payment step: a pending pack, and self-service upgrades, paid by card. */
export function Payments({ me }: { me: string }) {
  const m = useLoad(() => api<{ plan: string; pack_pending?: boolean }>(`/members/${encodeURIComponent(me)}`), [me]);
  const list = useLoad(() => api<{ payments: Payment[] }>(`/members/${encodeURIComponent(me)}/payments`), [me]);
  const [plan, setPlan] = useState('consultant_plus');
  const start = useAction(async (purpose: string) => {
    const p = await api<Payment>(`/members/${encodeURIComponent(me)}/payments`, { method: 'POST', body: { purpose, plan: purpose === 'upgrade' ? plan : undefined } });
    list.reload();
    return `Card payment of ${p.amount} opened with Stripe (${p.provider_id}). It takes effect as soon as Stripe confirms it was paid.`;
  });
  const order = ['affiliate', 'consultant', 'consultant_plus'];
  return (
    <Card title="Payments" double>
      <Async state={m}>
        {(x) => (
          <>
            {x.pack_pending ? (
              <p data-testid="pack-pending">
                <Badge tone="warn">Waiting for payment</Badge> Your {label(x.plan)} starter pack becomes effective — and starts earning for your team — when it is paid.{' '}
                <button onClick={() => start.run('pack')} disabled={start.busy}>
                  Pay by card
                </button>
              </p>
            ) : (
              order.indexOf(x.plan) >= 0 &&
              order.indexOf(x.plan) < order.length - 1 && (
                <form class="row" onSubmit={(e) => (e.preventDefault(), start.run('upgrade'))}>
                  <Select label="Upgrade to" value={plan} onChange={setPlan} options={order.slice(order.indexOf(x.plan) + 1)} />
                  <button type="submit" disabled={start.busy}>
                    Pay the difference by card
                  </button>
                </form>
              )
            )}
          </>
        )}
      </Async>
      <ErrorBox message={start.error} />
      <OkBox message={start.ok} />
      <Async state={list}>
        {(l) =>
          l.payments.length === 0 ? (
            <p class="muted">No card payments yet.</p>
          ) : (
            <Table caption="Card payments" testId="payments" cols={['When', 'For', { label: 'Amount', num: true }, 'Status']}>
              {l.payments.map((p) => (
                <tr key={p.id}>
                  <td>{formatDateTime(p.created_at)}</td>
                  <td>
                    {label(p.purpose)} · {label(p.plan)}
                  </td>
                  <td class="num">
                    <Money value={p.amount} />
                  </td>
                  <td>
                    <StatusBadge status={p.status === 'succeeded' ? 'paid' : p.status === 'requires_payment' ? 'pending' : 'failed'} /> {p.failure_reason}
                  </td>
                </tr>
              ))}
            </Table>
          )
        }
      </Async>
    </Card>
  );
}

/** On the home page: a pack that waits for its payment, and where to pay it. */
export function PackNotice({ me }: { me: string }) {
  const m = useLoad(() => api<{ plan: string; pack_pending?: boolean }>(`/members/${encodeURIComponent(me)}`), [me]);
  if (!m.data?.pack_pending) return null;
  return (
    <div class="alert info" role="status">
      Your {label(m.data.plan)} starter pack waits for its payment: until it is paid it earns nothing for you or your team. <a href="#/tax">Pay by card</a>
    </div>
  );
}
