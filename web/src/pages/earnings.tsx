import { api } from '../api';
import { StackedBars } from '../chart';
import { formatDate, label } from '../money';
import { Back, Async, Card, Money, useLoad, Table } from '../ui';
import type { Dashboard } from './home';

export function Earnings({ me }: { me: string }) {
  const st = useLoad(() => api<Dashboard>(`/members/${encodeURIComponent(me)}/dashboard`), [me]);
  return (
    <>
      <h1>Earnings</h1>
      <Async state={st}>
        {(d) => {
          const runs = d.runs;
          if (runs.length === 0) return <p class="muted">No committed payout run has paid you yet. Your projected earnings are on your home page.</p>;
          const types = [...new Set(runs.flatMap((r) => Object.keys(r.by_type)))].sort();
          const vendors = [...new Set(runs.flatMap((r) => Object.keys(r.by_vendor)))].sort();
          const cats = runs.map((r) => formatDate(r.period_end));
          return (
            <div class="grid">
              <Card title="By type, run by run" wide>
                <StackedBars title="Earnings by type per run" categories={cats} series={types.map((t) => ({ key: t, values: runs.map((r) => r.by_type[t] ?? '0') }))} />
              </Card>
              <Card title="By vendor, run by run" wide>
                <StackedBars title="Earnings by vendor per run" categories={cats} series={vendors.map((v) => ({ key: v, values: runs.map((r) => r.by_vendor[v] ?? '0') }))} />
              </Card>
              <Card title="Committed runs" wide>
                <div class="table-wrap" tabIndex={0}>
                  <table>
                    <caption class="sr-only">Your earnings per committed run</caption>
                    <thead>
                      <tr>
                        <th scope="col">Period ending</th>
                        {types.map((t) => (
                          <th scope="col" class="num" key={t}>
                            {label(t)}
                          </th>
                        ))}
                        <th scope="col" class="num">
                          Total
                        </th>
                        <th scope="col">Statement</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...runs].reverse().map((r) => (
                        <tr key={r.run_id}>
                          <td>{formatDate(r.period_end)}</td>
                          {types.map((t) => (
                            <td class="num" key={t}>
                              <Money value={r.by_type[t] ?? '0'} />
                            </td>
                          ))}
                          <td class="num">
                            <strong>
                              <Money value={r.total} />
                            </strong>
                          </td>
                          <td>
                            <a href={`#/earnings/${encodeURIComponent(r.run_id)}`}>Statement</a>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </Card>
            </div>
          );
        }}
      </Async>
    </>
  );
}

export interface StatementData {
  run_id: string;
  member_id: string;
  total: string;
  state?: { rank: string; active: boolean; carry_left: string; carry_right: string; lifetime_left: string; lifetime_right: string };
  lines: { id: string; type: string; amount: string; source_id?: string; generation?: number; reversal_of?: string; explanation: { text: string } }[];
}

export function StatementView({ st }: { st: StatementData }) {
  return (
    <>
      <div class="grid">
        <Card title="Total">
          <p class="stat" data-testid="statement-total">
            <Money value={st.total} />
          </p>
          {st.state && (
            <p class="muted">
              Rank {label(st.state.rank)} · {st.state.active ? 'active' : 'not active'} · carry left {st.state.carry_left}, right {st.state.carry_right} BV
            </p>
          )}
        </Card>
      </div>
      <Card title="Lines" wide>
        {st.lines.length === 0 ? (
          <p class="muted">No lines in this run.</p>
        ) : (
          <Table testId="statement-lines" caption="Statement lines with their explanation" cols={['Type', 'Why', { label: 'Amount', num: true }]}>
                {st.lines.map((l) => (
                  <tr key={l.id} data-line={l.id}>
                    <td>
                      {label(l.type)}
                      {l.generation ? <span class="muted"> (gen {l.generation})</span> : null}
                    </td>
                    <td class="explanation">{l.explanation.text}</td>
                    <td class="num amount">
                      <Money value={l.amount} />
                    </td>
                  </tr>
                ))}
              </Table>
        )}
      </Card>
    </>
  );
}

export function Statement({ me, run }: { me: string; run: string }) {
  const st = useLoad(() => api<StatementData>(`/members/${encodeURIComponent(me)}/statements/${encodeURIComponent(run)}`), [me, run]);
  return (
    <>
      <Back to="#/earnings">Earnings</Back>
      <h1>Statement for run {run}</h1>
      <Async state={st}>{(s) => <StatementView st={s} />}</Async>
    </>
  );
}
