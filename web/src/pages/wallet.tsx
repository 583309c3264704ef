import { useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { formatDateTime } from '../money';
import { Card, ErrorBox, LedgerTable, Money, MoreButton, OkBox, StatusBadge, Table, useAction, usePaged, type LedgerEntry } from '../ui';

interface WalletPage {
  balance: string;
  entries: LedgerEntry[];
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
  backup_withholding?: string;
  net?: string;
  on_hold?: boolean;
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
            <p class="muted">
              A withdrawal needs your <a href="#/tax">W-9 and bank account</a>.
            </p>
            <ErrorBox message={req.error} />
            <OkBox message={req.ok} />
            <button type="submit" disabled={req.busy}>
              Request withdrawal
            </button>
          </form>
        </Card>
        <Card title="Withdrawals" wide>
          <ErrorBox message={wds.error} />
          <Table testId="withdrawals" caption="Your withdrawals" cols={['Requested', { label: 'Amount', num: true }, 'Status', 'Details']}>
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
                      {w.backup_withholding && ` ${w.backup_withholding} withheld for the IRS; ${w.net} to your bank.`}
                      {w.on_hold && w.status === 'requested' && ' Waiting: your payouts are on a compliance hold.'}
                    </td>
                  </tr>
                ))}
              </Table>
          <MoreButton p={wds} />
        </Card>
        <Card title="Ledger" wide>
          <ErrorBox message={ledger.error} />
          <LedgerTable entries={ledger.items} />
          <MoreButton p={ledger} />
        </Card>
      </div>
    </>
  );
}
