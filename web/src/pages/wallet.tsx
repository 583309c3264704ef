import { useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { formatDateTime, label } from '../money';
import { Card, ErrorBox, Money, MoreButton, OkBox, StatusBadge, useAction, usePaged } from '../ui';

interface Entry {
  id: string;
  kind: string;
  amount: string;
  at: string;
  run_id?: string;
  withdrawal_id?: string;
  reason?: string;
}
interface WalletPage {
  balance: string;
  entries: Entry[];
  next_cursor?: string;
}
export interface Withdrawal {
  id: string;
  member_id: string;
  amount: string;
  status: string;
  requested_at: string;
  decided_at?: string;
  reason?: string;
  payment_reference?: string;
  paid_at?: string;
  member_name?: string;
  member_email?: string;
}

export function Wallet({ me }: { me: string }) {
  const [balance, setBalance] = useState<string>();
  const ledger = usePaged(async (cursor) => {
    const w = await api<WalletPage>(`/members/${encodeURIComponent(me)}/wallet`, { query: { limit: 25, cursor } });
    setBalance(w.balance);
    return { items: w.entries, next_cursor: w.next_cursor };
  }, [me]);
  const wds = usePaged((cursor) => api<Page<Withdrawal>>(`/members/${encodeURIComponent(me)}/withdrawals`, { query: { limit: 25, cursor } }), [me]);
  const [amount, setAmount] = useState('');
  const req = useAction(async () => {
    const w = await api<Withdrawal>(`/members/${encodeURIComponent(me)}/withdrawals`, { method: 'POST', body: { amount } });
    setAmount('');
    ledger.reload();
    wds.reload();
    return `Withdrawal ${w.id} requested. An admin reviews it; you can follow its status below.`;
  });
  return (
    <>
      <h1>Wallet</h1>
      <div class="grid">
        <Card title="Balance">
          <p class="stat" data-testid="balance">
            <Money value={balance} />
          </p>
        </Card>
        <Card title="Request a withdrawal">
          <form class="stack" onSubmit={(e) => (e.preventDefault(), req.run())}>
            <label>
              Amount in dollars
              <input inputMode="decimal" required pattern="\d+(\.\d{1,2})?" placeholder="100.00" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
            </label>
            <ErrorBox message={req.error} />
            <OkBox message={req.ok} />
            <button type="submit" disabled={req.busy}>
              Request withdrawal
            </button>
          </form>
        </Card>
        <Card title="Withdrawals" wide>
          <ErrorBox message={wds.error} />
          <div class="table-wrap" tabIndex={0}>
            <table data-testid="withdrawals">
              <caption class="sr-only">Your withdrawals</caption>
              <thead>
                <tr>
                  <th scope="col">Requested</th>
                  <th scope="col" class="num">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {wds.items.map((w) => (
                  <tr key={w.id} data-id={w.id}>
                    <td>{formatDateTime(w.requested_at)}</td>
                    <td class="num">
                      <Money value={w.amount} />
                    </td>
                    <td class="status">
                      <StatusBadge status={w.status} />
                    </td>
                    <td class="muted">
                      {w.reason ?? ''}
                      {w.payment_reference ? `paid, reference ${w.payment_reference}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MoreButton p={wds} />
        </Card>
        <Card title="Ledger" wide>
          <ErrorBox message={ledger.error} />
          <div class="table-wrap" tabIndex={0}>
            <table>
              <caption class="sr-only">Wallet ledger</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Reference</th>
                  <th scope="col" class="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {ledger.items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDateTime(e.at)}</td>
                    <td>{label(e.kind)}</td>
                    <td class="muted">{e.run_id ? `run ${e.run_id}` : e.withdrawal_id ? `withdrawal ${e.withdrawal_id}` : e.reason ?? ''}</td>
                    <td class="num">
                      <Money value={e.amount} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MoreButton p={ledger} />
        </Card>
      </div>
    </>
  );
}
