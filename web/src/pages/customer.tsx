import { api } from '../api';
import { formatDate, formatDateTime } from '../money';
import { Async, Card, StatusBadge, useLoad, Table } from '../ui';

interface CustomerDashboard {
  member_id: string;
  name: string;
  services: { activation_id: string; vendor: string; sku: string; product?: string; status: string; activated_at: string; cancelled_at?: string }[];
  vendors: { vendor: string; since?: string }[];
  consultant?: { id: string; name: string; email: string };
  upcoming_registrations: { gathering_id: string; title: string; starts_at: string; status: string; position?: number }[];
}

export function CustomerHome({ me }: { me: string }) {
  const st = useLoad(() => api<CustomerDashboard>(`/members/${encodeURIComponent(me)}/customer-dashboard`), [me]);
  return (
    <Async state={st}>
      {(d) => {
        const vendors = [...new Set(d.services.map((s) => s.vendor))].sort();
        return (
          <>
            <h1>Hello, {d.name}</h1>
            <div class="grid">
              {d.consultant && (
                <Card title="Your consultant">
                  <p>
                    <strong>{d.consultant.name}</strong>
                  </p>
                  <p>
                    <a href={`mailto:${d.consultant.email}`}>{d.consultant.email}</a>
                  </p>
                </Card>
              )}
              <Card title="Coming up">
                {d.upcoming_registrations.length === 0 ? (
                  <p class="muted">
                    Nothing booked. <a href="#/events">Webinars and events for customers</a>
                  </p>
                ) : (
                  <ul>
                    {d.upcoming_registrations.map((u) => (
                      <li key={u.gathering_id}>
                        {u.title}, {formatDateTime(u.starts_at)} <StatusBadge status={u.status} />
                      </li>
                    ))}
                  </ul>
                )}
              </Card>
              {vendors.length === 0 && (
                <Card title="Your services">
                  <p class="muted">No services yet. Your consultant can help you choose one.</p>
                </Card>
              )}
              {vendors.map((v) => (
                <Card key={v} title={`Services from ${v}`}>
                  <Table caption={`Services from {v}`} cols={['Product', 'Since', 'Status']}>
                      {d.services
                        .filter((s) => s.vendor === v)
                        .map((s) => (
                          <tr key={s.activation_id}>
                            <td>{s.product ?? s.sku}</td>
                            <td>{formatDate(s.activated_at)}</td>
                            <td>
                              <StatusBadge status={s.status} />
                              {s.cancelled_at ? ` ${formatDate(s.cancelled_at)}` : ''}
                            </td>
                          </tr>
                        ))}
                    </Table>
                </Card>
              ))}
            </div>
          </>
        );
      }}
    </Async>
  );
}
