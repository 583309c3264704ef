import { useState } from 'preact/hooks';
import { api, download } from '../api';
import { go } from '../router';
import { formatDate, formatDateTime, formatPercent, label } from '../money';
import { Back, Async, Card, ErrorBox, Money, OkBox, StatusBadge, useAction, useLoad, messageOf, Table } from '../ui';
import { StatementView, type StatementData } from './earnings';

interface Totals {
  by_type: Record<string, string>;
  by_vendor: Record<string, string>;
  total: string;
  sales_bv: string;
  sales_value: string;
  payout_ratio: string;
  lines: number;
}
export interface Run {
  id: string;
  status: string;
  period_start?: string | null;
  period_end: string;
  totals: Totals;
  created_at: string;
  created_by?: string;
  committed_at?: string;
  committed_by?: string;
  base_run?: string;
  change_from_previous?: { previous_run_id: string; by_type: Record<string, string>; by_vendor: Record<string, string>; total: string };
}

export function Runs() {
  const st = useLoad(() => api<{ runs: Run[] }>('/payout-runs'), []);
  const [end, setEnd] = useState('');
  const preview = useAction(async () => {
    const body = end ? { period_end: new Date(end + 'T00:00:00Z').toISOString().replace('.000', '') } : {};
    const r = await api<Run>('/payout-runs', { method: 'POST', body });
    go('/runs/' + encodeURIComponent(r.id));
  });
  return (
    <>
      <h1>Payout runs</h1>
      <div class="grid">
        <Card title="Preview a period">
          <form class="stack" onSubmit={(e) => (e.preventDefault(), preview.run())}>
            <label>
              Period end (UTC midnight on the plan's cadence; empty for the next due one)
              <input type="date" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
            </label>
            <ErrorBox message={preview.error} />
            <button type="submit" disabled={preview.busy}>
              {preview.busy ? 'Computing the preview…' : 'Preview'}
            </button>
          </form>
          <p class="muted">A preview pays nothing. You review its totals and statements, then commit it.</p>
        </Card>
      </div>
      <h2 style="margin-top:1rem">All runs</h2>
      <Async state={st}>
        {(d) => (
          <Table testId="runs" card caption="Payout runs" cols={['Period', 'Status', { label: 'Total', num: true }, 'Created']}>
                {d.runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <a href={`#/runs/${encodeURIComponent(r.id)}`}>
                        {r.period_start ? formatDate(r.period_start) : 'start'} – {formatDate(r.period_end)}
                      </a>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td class="num">
                      <Money value={r.totals.total} />
                    </td>
                    <td>{formatDateTime(r.created_at)}</td>
                  </tr>
                ))}
              </Table>
        )}
      </Async>
    </>
  );
}

function Change({ now, change, raw }: { now: Record<string, string>; change?: Record<string, string>; raw?: boolean }) {
  const keys = [...new Set([...Object.keys(now), ...Object.keys(change ?? {})])].sort();
  return (
    <Table caption="Totals and change from the previous run" cols={['', { label: 'This run', num: true }, { label: 'Change from previous', num: true }]}>
          {keys.map((k) => (
            <tr key={k}>
              <th scope="row">{raw ? k : label(k)}</th>
              <td class="num">
                <Money value={now[k] ?? '0.00'} />
              </td>
              {change && (
                <td class="num">
                  <Money value={change[k] ?? '0.00'} />
                </td>
              )}
            </tr>
          ))}
        </Table>
  );
}

export function RunPage({ id, member }: { id: string; member?: string }) {
  const st = useLoad(() => api<Run>(`/payout-runs/${encodeURIComponent(id)}`), [id]);
  const [confirming, setConfirming] = useState(false);
  const commit = useAction(async () => {
    await api<Run>(`/payout-runs/${encodeURIComponent(id)}/commit`, { method: 'POST' });
    setConfirming(false);
    st.reload();
    return 'Committed: wallets are credited with exactly these amounts.';
  });
  const [who, setWho] = useState(member ?? '');
  return (
    <>
      <Back to="#/runs">Payout runs</Back>
      <Async state={st}>
        {(r) => (
          <>
            <div class="spread">
              <h1>
                Run {r.period_start ? formatDate(r.period_start) : 'start'} – {formatDate(r.period_end)} <StatusBadge status={r.status} />
              </h1>
              <div class="row">
                {r.status === 'committed' && (
                  <button class="secondary" onClick={() => download(`/payout-runs/${encodeURIComponent(id)}/export.csv`, `payout-run-${id}.csv`).catch((e) => commit.setError(messageOf(e)))}>
                    Export CSV
                  </button>
                )}
                {r.status === 'draft' && !confirming && <button onClick={() => setConfirming(true)}>Commit…</button>}
              </div>
            </div>
            {confirming && (
              <div class="alert info" role="alertdialog" aria-labelledby="confirm-title">
                <p id="confirm-title">
                  <strong>
                    Commit this run and credit <Money value={r.totals.total} /> to the wallets?
                  </strong>{' '}
                  This cannot be undone; later corrections are clawbacks in a later run.
                </p>
                <div class="row">
                  <button onClick={() => commit.run()} disabled={commit.busy}>
                    {commit.busy ? 'Committing…' : 'Yes, commit'}
                  </button>
                  <button class="secondary" onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </div>
              </div>
            )}
            <ErrorBox message={commit.error} />
            <OkBox message={commit.ok} />
            <div class="grid">
              <Card title="Total">
                <p class="stat" data-testid="run-total">
                  <Money value={r.totals.total} />
                </p>
                <p class="muted">
                  {r.totals.lines} lines · sales {r.totals.sales_bv} BV (<Money value={r.totals.sales_value} />) · payout ratio {formatPercent(r.totals.payout_ratio)}
                </p>
                {r.change_from_previous && (
                  <p class="muted">
                    Change from the previous run: <Money value={r.change_from_previous.total} />
                  </p>
                )}
              </Card>
              <Card title="By type" wide>
                <Change now={r.totals.by_type} change={r.change_from_previous?.by_type} />
              </Card>
              <Card title="By vendor" wide>
                <Change raw now={r.totals.by_vendor} change={r.change_from_previous?.by_vendor} />
              </Card>
              <Card title="A member's statement" wide>
                <form class="row" onSubmit={(e) => (e.preventDefault(), go(`/runs/${encodeURIComponent(id)}/members/${encodeURIComponent(who)}`))}>
                  <label>
                    Member id <input value={who} onInput={(e) => setWho(e.currentTarget.value)} required />
                  </label>
                  <button type="submit">Show</button>
                </form>
                {member && <AdminStatement run={id} member={member} />}
              </Card>
            </div>
          </>
        )}
      </Async>
    </>
  );
}

function AdminStatement({ run, member }: { run: string; member: string }) {
  const st = useLoad(() => api<StatementData>(`/payout-runs/${encodeURIComponent(run)}/members/${encodeURIComponent(member)}/statement`), [run, member]);
  return <Async state={st}>{(s) => <StatementView st={s} />}</Async>;
}
