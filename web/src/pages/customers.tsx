import { useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { formatDate, label } from '../money';
import { Async, Card, ErrorBox, MoreButton, StatusBadge, useLoad, usePaged, Table } from '../ui';
import type { Dashboard } from './home';

export function Customers({ me }: { me: string }) {
  const st = useLoad(() => api<Dashboard>(`/members/${encodeURIComponent(me)}/dashboard`), [me]);
  const link = `${location.origin}/#/join?sponsor=${encodeURIComponent(me)}`;
  const [copied, setCopied] = useState(false);
  return (
    <>
      <h1>Customers</h1>
      <Card title="Your referral link">
        <p class="muted">Anyone who joins through this link is registered with you as their sponsor.</p>
        <div class="row">
          <input readOnly value={link} aria-label="Referral link" style="flex:1" onFocus={(e) => e.currentTarget.select()} />
          <button
            onClick={() =>
              navigator.clipboard?.writeText(link).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            Copy
          </button>
          {copied && <span role="status">Copied.</span>}
        </div>
      </Card>
      <div style="height:1rem" />
      <Async state={st}>
        {(d) =>
          d.customers.length === 0 ? (
            <p class="muted">No customers yet. Vendors add them when a customer you referred signs up.</p>
          ) : (
            <div class="grid">
              {d.customers.map((c) => (
                <Card key={c.id} title={c.name}>
                  <p class="muted">
                    {c.id} · <a href={`mailto:${c.email}`}>{c.email}</a>
                  </p>
                  {c.services.length === 0 ? (
                    <p class="muted">No services yet.</p>
                  ) : (
                    <Table caption={`Services of {c.name}`} cols={['Product', 'Vendor', 'Since', 'Status']}>
                        {c.services.map((s, i) => (
                          <tr key={i}>
                            <td>{s.product ?? s.sku}</td>
                            <td>{s.vendor}</td>
                            <td>{formatDate(s.activated_at)}</td>
                            <td>
                              <StatusBadge status={s.status} />
                            </td>
                          </tr>
                        ))}
                      </Table>
                  )}
                </Card>
              ))}
            </div>
          )
        }
      </Async>
    </>
  );
}

interface Onboarding {
  steps: string[];
  generations: { generation: number; members: number; completed: number; percent: string; by_step: { step: string; completed: number }[] }[];
}

export function Team({ me }: { me: string }) {
  const st = useLoad(() => api<Onboarding>(`/members/${encodeURIComponent(me)}/onboarding`), [me]);
  const [gen, setGen] = useState<number | null>(null);
  return (
    <>
      <h1>Team onboarding</h1>
      <Async state={st}>
        {(o) => (
          <div class="grid">
            <Card title="By generation" wide>
              <div class="table-wrap" tabIndex={0}>
                <table>
                  <caption class="sr-only">Onboarding per sponsor generation</caption>
                  <thead>
                    <tr>
                      <th scope="col">Generation</th>
                      <th scope="col" class="num">Consultants</th>
                      <th scope="col" class="num">Completed</th>
                      {o.steps.map((s) => (
                        <th scope="col" class="num" key={s}>
                          {label(s)}
                        </th>
                      ))}
                      <th scope="col" />
                    </tr>
                  </thead>
                  <tbody>
                    {o.generations.map((g) => (
                      <tr key={g.generation}>
                        <td>{g.generation}</td>
                        <td class="num">{g.members}</td>
                        <td class="num">
                          {g.completed} ({g.percent} %)
                        </td>
                        {o.steps.map((s) => (
                          <td class="num" key={s}>
                            {g.by_step.find((b) => b.step === s)?.completed ?? 0}
                          </td>
                        ))}
                        <td>
                          <button class="secondary" disabled={g.members === 0} onClick={() => setGen(g.generation)}>
                            Who
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
            {gen && <OnboardingList me={me} gen={gen} steps={o.steps} />}
          </div>
        )}
      </Async>
    </>
  );
}

function OnboardingList({ me, gen, steps }: { me: string; gen: number; steps: string[] }) {
  const p = usePaged(
    (cursor) => api<Page<{ id: string; name: string; steps_done: string[]; completed: boolean }>>(`/members/${encodeURIComponent(me)}/onboarding/${gen}`, { query: { limit: 50, cursor } }),
    [me, gen],
  );
  return (
    <Card title={`Generation ${gen}`} wide>
      <ErrorBox message={p.error} />
      <ul>
        {p.items.map((m) => (
          <li key={m.id}>
            {m.name} — {m.completed ? 'completed' : `${m.steps_done.length} of ${steps.length} steps`}
          </li>
        ))}
      </ul>
      <MoreButton p={p} />
    </Card>
  );
}
