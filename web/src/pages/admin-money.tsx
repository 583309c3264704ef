import { useState } from 'preact/hooks';
import { api, download, type Page } from '../api';
import { formatDateTime } from '../money';
import { ErrorBox, Money, MoreButton, StatusBadge, useAction, usePaged, messageOf, Table } from '../ui';
import type { Withdrawal } from './wallet';

function Decide({ w, onDone }: { w: Withdrawal; onDone: () => void }) {
  const [mode, setMode] = useState<'reject' | 'mark-paid' | null>(null);
  const [text, setText] = useState('');
  const act = useAction(async (decision: string, body?: object) => {
    await api(`/withdrawals/${encodeURIComponent(w.id)}/${decision}`, { method: 'POST', body: body ?? {} });
    setMode(null);
    onDone();
  });
  return (
    <div>
      <div class="row">
        {w.status === 'requested' && (
          <>
            <button disabled={act.busy} onClick={() => act.run('approve')}>
              Approve
            </button>
            <button class="secondary" onClick={() => setMode('reject')}>
              Reject…
            </button>
          </>
        )}
        {w.status === 'approved' && <button onClick={() => setMode('mark-paid')}>Mark paid…</button>}
      </div>
      {mode && (
        <form class="row" onSubmit={(e) => (e.preventDefault(), act.run(mode, mode === 'reject' ? { reason: text } : { payment_reference: text }))}>
          <label>
            {mode === 'reject' ? 'Reason (the member sees it)' : 'Payment reference'}
            <input required value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          <button type="submit" class={mode === 'reject' ? 'danger' : ''} disabled={act.busy}>
            {mode === 'reject' ? 'Reject' : 'Mark paid'}
          </button>
          <button type="button" class="secondary" onClick={() => setMode(null)}>
            Cancel
          </button>
        </form>
      )}
      <ErrorBox message={act.error} />
    </div>
  );
}

export function Withdrawals() {
  const [status, setStatus] = useState('requested');
  const p = usePaged((cursor) => api<Page<Withdrawal>>('/withdrawals', { query: { status, limit: 50, cursor } }), [status]);
  const [err, setErr] = useState<string>();
  return (
    <>
      <div class="spread">
        <h1>Withdrawals</h1>
        <div class="row">
          <label>
            Status{' '}
            <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
              <option value="requested">Requested</option>
              <option value="approved">Approved</option>
              <option value="paid">Paid</option>
              <option value="rejected">Rejected</option>
              <option value="">All</option>
            </select>
          </label>
          <button class="secondary" onClick={() => download('/withdrawals/export.csv', 'withdrawals.csv', { status: 'approved' }).catch((e) => setErr(messageOf(e)))}>
            Export approved (CSV)
          </button>
        </div>
      </div>
      <ErrorBox message={err ?? p.error} />
      <Table testId="withdrawal-queue" card caption="Withdrawals" cols={['Member', { label: 'Amount', num: true }, 'Requested', 'Status', 'Decision']}>
            {p.items.map((w) => (
              <tr key={w.id} data-id={w.id}>
                <td>
                  <a href={`#/members/${encodeURIComponent(w.member_id)}`}>{w.member_name ?? w.member_id}</a>
                  <div class="muted">{w.member_email}</div>
                </td>
                <td class="num">
                  <Money value={w.amount} />
                </td>
                <td>{formatDateTime(w.requested_at)}</td>
                <td>
                  <StatusBadge status={w.status} /> <span class="muted">{w.reason ?? w.payment_reference ?? ''}</span>
                </td>
                <td>
                  <Decide w={w} onDone={p.reload} />
                </td>
              </tr>
            ))}
          </Table>
      <MoreButton p={p} />
    </>
  );
}

interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  at: string;
  before?: unknown;
  after?: unknown;
}

export function AuditList({ filter }: { filter: Record<string, string> }) {
  const p = usePaged((cursor) => api<Page<AuditEntry>>('/audit', { query: { ...filter, limit: 50, cursor } }), [JSON.stringify(filter)]);
  return (
    <>
      <ErrorBox message={p.error} />
      <Table card caption="Audit entries" cols={['When', 'Who', 'Action', 'Target', 'Change']}>
            {p.items.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>
                  {e.target_type} {e.target_id}
                </td>
                <td>
                  <code style="font-size:.8rem;word-break:break-all">
                    {e.before ? JSON.stringify(e.before) + ' → ' : ''}
                    {e.after ? JSON.stringify(e.after) : ''}
                  </code>
                </td>
              </tr>
            ))}
          </Table>
      <MoreButton p={p} />
    </>
  );
}

export function Audit({ query }: { query: URLSearchParams }) {
  const init = { actor: query.get('actor') ?? '', action: query.get('action') ?? '', target_type: query.get('target_type') ?? '', target_id: query.get('target_id') ?? '' };
  const [f, setF] = useState(init);
  const [applied, setApplied] = useState(init);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  return (
    <>
      <h1>Audit log</h1>
      <form class="filters" onSubmit={(e) => (e.preventDefault(), setApplied(f))}>
        <label>
          Who
          <input value={f.actor} onInput={set('actor')} />
        </label>
        <label>
          Action
          <input placeholder="e.g. payout.commit" value={f.action} onInput={set('action')} />
        </label>
        <label>
          Target type
          <input placeholder="member, withdrawal …" value={f.target_type} onInput={set('target_type')} />
        </label>
        <label>
          Target id
          <input value={f.target_id} onInput={set('target_id')} />
        </label>
        <button type="submit">Apply</button>
      </form>
      <AuditList filter={applied} />
    </>
  );
}
