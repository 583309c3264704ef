import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { formatDateTime, formatMoney, isNegative, label } from './money';

/** Loads data for a page; a failure becomes the API's message, never a blank page. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: string; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (e) => live && setState({ error: messageOf(e), loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    const extra = (e.details ?? [])
      .map((d) => {
        const x = d as { field?: string; line?: number; message?: string };
        return x.line ? `line ${x.line}: ${x.message}` : x.field ? '' : x.message ?? '';
      })
      .filter(Boolean)
      .slice(0, 5);
    return extra.length ? `${e.message} (${extra.join('; ')})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs an action (a form submit, a button) with its pending state and its error or success message. */
export function useAction<A extends unknown[]>(fn: (...a: A) => Promise<string | void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [ok, setOk] = useState<string>();
  const run = async (...a: A) => {
    setBusy(true);
    setError(undefined);
    setOk(undefined);
    try {
      const msg = await fn(...a);
      if (msg) setOk(msg);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, ok, setError };
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function ErrorBox({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div class="alert error" role="alert">
      {message}
    </div>
  );
}

export function OkBox({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div class="alert ok" role="status">
      {message}
    </div>
  );
}

/** Shows loading, then the error in words or the content. */
export function Async<T>({ state, children }: { state: { data?: T; error?: string; loading: boolean }; children: (d: T) => ComponentChildren }) {
  if (state.error) return <ErrorBox message={state.error} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

export function Money({ value }: { value?: string | null }) {
  return <span class={isNegative(value) ? 'neg' : undefined}>{formatMoney(value)}</span>;
}

export function Badge({ children, tone }: { children: ComponentChildren; tone?: 'ok' | 'warn' | 'bad' }) {
  return <span class={'badge' + (tone ? ' ' + tone : '')}>{children}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  const tone = ({ active: 'ok', paid: 'ok', committed: 'ok', confirmed: 'ok', published: 'ok', done: 'ok', approved: 'ok', requested: 'warn', draft: 'warn', waitlisted: 'warn', running: 'warn', pending: 'warn', suspended: 'warn', rejected: 'bad', cancelled: 'bad', terminated: 'bad', failed: 'bad' } as Record<string, 'ok' | 'warn' | 'bad'>)[status];
  return <Badge tone={tone}>{label(status)}</Badge>;
}

export function Card({ title, children, wide, double, id }: { title?: string; children: ComponentChildren; wide?: boolean; double?: boolean; id?: string }) {
  return (
    <section class={'card' + (wide ? ' wide' : '') + (double ? ' double' : '')} aria-labelledby={title ? id ?? slug(title) : undefined}>
      {title && <h2 id={id ?? slug(title)}>{title}</h2>}
      {children}
    </section>
  );
}

export function slug(s: string) {
  return 'h-' + s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** A key → money table (totals by type or vendor), in the API's order of keys, sorted by name. */
export function AmountTable({ amounts, caption, keyLabel = 'Type' }: { amounts: Record<string, string>; caption: string; keyLabel?: string }) {
  const keys = Object.keys(amounts).sort();
  return (
    <div class="table-wrap" tabIndex={0}>
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            <th scope="col" class="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <td>{label(k)}</td>
              <td class="num">
                <Money value={amounts[k]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Load more" paging over next_cursor. */
export function usePaged<T>(fetch: (cursor?: string) => Promise<{ items: T[]; next_cursor?: string }>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(undefined);
    fetch().then(
      (p) => {
        if (!live) return;
        setItems(p.items);
        setNext(p.next_cursor);
        setLoading(false);
      },
      (e) => live && (setError(messageOf(e)), setLoading(false)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const more = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const p = await fetch(next);
      setItems((xs) => [...xs, ...p.items]);
      setNext(p.next_cursor);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoading(false);
    }
  };
  return { items, next, error, loading, more, reload: () => setTick((t) => t + 1) };
}

export function MoreButton({ p }: { p: { next?: string; loading: boolean; more: () => void; items: unknown[] } }) {
  if (p.loading) return <Loading />;
  if (!p.next) return <p class="muted">{p.items.length === 0 ? 'Nothing here yet.' : `All ${p.items.length} shown.`}</p>;
  return (
    <button class="secondary" onClick={() => p.more()}>
      Load more
    </button>
  );
}

export interface Column {
  label: string;
  num?: boolean; // right-aligned figures
}

/** A table with a caption for screen readers, in a wrapper that scrolls (and can be focused to scroll) on narrow screens. */
export function Table({ caption, cols, children, testId, card }: { caption: string; cols: (Column | string)[]; children: ComponentChildren; testId?: string; card?: boolean }) {
  return (
    <div class={'table-wrap' + (card ? ' card' : '')} tabIndex={0}>
      <table data-testid={testId}>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {cols.map((c, i) => {
              const col = typeof c === 'string' ? { label: c } : c;
              return (
                <th key={i} scope="col" class={col.num ? 'num' : undefined}>
                  {col.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export interface LedgerEntry {
  id: string;
  kind: string;
  amount: string;
  at: string;
  run_id?: string;
  withdrawal_id?: string;
  reason?: string;
}

/** A wallet's ledger: what the consultant sees on its wallet and the admin on the member page. */
export function LedgerTable({ entries }: { entries: LedgerEntry[] }) {
  return (
    <Table caption="Wallet ledger" cols={['When', 'Kind', 'Reference', { label: 'Amount', num: true }]}>
      {entries.map((e) => (
        <tr key={e.id}>
          <td>{formatDateTime(e.at)}</td>
          <td>{label(e.kind)}</td>
          <td class="muted">{e.run_id ? `run ${e.run_id}` : e.withdrawal_id ? `withdrawal ${e.withdrawal_id}` : e.reason ?? ''}</td>
          <td class="num">
            <Money value={e.amount} />
          </td>
        </tr>
      ))}
    </Table>
  );
}

/** A labelled select; options are values (shown as labels) or [value, text]; `any` adds an empty choice. */
export function Select({ label: l, value, onChange, options, any }: { label: string; value: string; onChange: (v: string) => void; options: (string | [string, string])[]; any?: string }) {
  return (
    <label>
      {l}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {any !== undefined && <option value="">{any}</option>}
        {options.map((o) => {
          const [v, text] = typeof o === 'string' ? [o, label(o)] : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}

export const PLANS = ['affiliate', 'consultant', 'consultant_plus', 'customer'];
export const AUDIENCES = ['consultants', 'customers', 'everyone'];

/** The way back to a list. */
export function Back({ to, children }: { to: string; children: ComponentChildren }) {
  return (
    <p>
      <a href={to}>← {children}</a>
    </p>
  );
}
