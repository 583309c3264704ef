import { useEffect, useRef, useState } from 'preact/hooks';
import { ReferralSettingsCard } from './referrals';
import { api, type Page } from '../api';
import { formatDate, formatDateTime, progressPercent } from '../money';
import { Back, Async, Card, ErrorBox, Money, MoreButton, OkBox, StatusBadge, useAction, useLoad, usePaged, messageOf, Table } from '../ui';

interface Vendor {
  id: string;
  name: string;
  active: boolean;
  created_at: string;
  secret_rotated_at?: string;
}

function SecretOnce({ secret }: { secret?: string }) {
  if (!secret) return null;
  return (
    <div class="alert info" role="status">
      <p>
        <strong>The signing secret, shown this once.</strong> Give it to the vendor over a secure channel; Halo cannot show it again.
      </p>
      <input readOnly value={secret} aria-label="Signing secret" style="width:100%" onFocus={(e) => e.currentTarget.select()} />
    </div>
  );
}

export function Vendors() {
  const st = useLoad(() => api<{ vendors: Vendor[] }>('/vendors'), []);
  const [f, setF] = useState({ id: '', name: '' });
  const [secret, setSecret] = useState<string>();
  const create = useAction(async () => {
    const v = await api<{ signing_secret: string }>('/vendors', { method: 'POST', body: f });
    setSecret(v.signing_secret);
    setF({ id: '', name: '' });
    st.reload();
  });
  const rejected = usePaged((cursor) => api<Page<{ vendor_id: string; event_id: string; type?: string; code: string; message: string; received_at: string }>>('/ingest/rejected', { query: { limit: 20, cursor } }), []);
  return (
    <>
      <h1>Vendors</h1>
      <div class="grid">
        <Card title="Vendors" wide>
          <Async state={st}>
            {(d) => (
              <Table caption="Vendors" cols={['Vendor', 'Status', 'Since']}>
                  {d.vendors.map((v) => (
                    <tr key={v.id}>
                      <td>
                        <a href={`#/vendors/${encodeURIComponent(v.id)}`}>{v.name}</a> <span class="muted">({v.id})</span>
                      </td>
                      <td>
                        <StatusBadge status={v.active ? 'active' : 'suspended'} />
                      </td>
                      <td>{formatDate(v.created_at)}</td>
                    </tr>
                  ))}
                </Table>
            )}
          </Async>
        </Card>
        <Card title="Add a vendor">
          <form class="stack" onSubmit={(e) => (e.preventDefault(), create.run())}>
            <label>
              Vendor id
              <input required value={f.id} onInput={(e) => setF({ ...f, id: e.currentTarget.value })} />
            </label>
            <label>
              Name
              <input required value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} />
            </label>
            <ErrorBox message={create.error} />
            <button type="submit" disabled={create.busy}>
              Create vendor
            </button>
          </form>
          <SecretOnce secret={secret} />
        </Card>
        <Card title="Rejected events" wide>
          <ErrorBox message={rejected.error} />
          <Table caption="Rejected vendor events" cols={['Received', 'Vendor', 'Event', 'Why']}>
                {rejected.items.map((r) => (
                  <tr key={r.vendor_id + r.event_id + r.received_at}>
                    <td>{formatDateTime(r.received_at)}</td>
                    <td>{r.vendor_id}</td>
                    <td>
                      {r.event_id} <span class="muted">{r.type}</span>
                    </td>
                    <td>
                      {r.code}: {r.message}
                    </td>
                  </tr>
                ))}
              </Table>
          <MoreButton p={rejected} />
        </Card>
      </div>
    </>
  );
}

interface Product {
  sku: string;
  versions: { name: string; bv: string; cv: string; retail_commission: string; hold_days: number; effective_from: string }[];
}

export function VendorPage({ id }: { id: string }) {
  const v = useLoad(() => api<Vendor>(`/vendors/${encodeURIComponent(id)}`), [id]);
  const products = useLoad(() => api<{ products: Product[] }>(`/vendors/${encodeURIComponent(id)}/products`), [id]);
  const [secret, setSecret] = useState<string>();
  const rotate = useAction(async () => {
    const r = await api<{ signing_secret: string }>(`/vendors/${encodeURIComponent(id)}/rotate-secret`, { method: 'POST' });
    setSecret(r.signing_secret);
    return 'Rotated. The previous secret stays valid for a short overlap so the vendor can switch.';
  });
  const [f, setF] = useState({ sku: '', name: '', bv: '', cv: '', retail_commission: '', hold_days: '0', effective_from: '' });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const put = useAction(async () => {
    const body: Record<string, unknown> = { name: f.name, bv: f.bv, cv: f.cv, retail_commission: f.retail_commission, hold_days: Number.parseInt(f.hold_days || '0', 10) };
    if (f.effective_from) body.effective_from = new Date(f.effective_from + 'T00:00:00Z').toISOString().replace('.000', '');
    await api(`/vendors/${encodeURIComponent(id)}/products/${encodeURIComponent(f.sku)}`, { method: 'PUT', body });
    products.reload();
    return `Product ${f.sku} saved as a new version.`;
  });
  return (
    <>
      <Back to="#/vendors">Vendors</Back>
      <Async state={v}>
        {(vd) => (
          <>
            <h1>{vd.name}</h1>
            <div class="grid">
              <Card title="Signing secret">
                <p class="muted">Last rotated {formatDateTime(vd.secret_rotated_at ?? vd.created_at)}.</p>
                <button class="secondary" onClick={() => rotate.run()} disabled={rotate.busy}>
                  Rotate the secret
                </button>
                <ErrorBox message={rotate.error} />
                <OkBox message={rotate.ok} />
                <SecretOnce secret={secret} />
              </Card>
              <ReferralSettingsCard vendor={id} />
              <Card title="Add a product or a new version">
                <form class="stack" onSubmit={(e) => (e.preventDefault(), put.run())}>
                  <label>
                    SKU
                    <input required value={f.sku} onInput={set('sku')} />
                  </label>
                  <label>
                    Name
                    <input required value={f.name} onInput={set('name')} />
                  </label>
                  <label>
                    BV
                    <input required inputMode="decimal" value={f.bv} onInput={set('bv')} />
                  </label>
                  <label>
                    CV (dollars)
                    <input required inputMode="decimal" value={f.cv} onInput={set('cv')} />
                  </label>
                  <label>
                    Retail commission (dollars)
                    <input required inputMode="decimal" value={f.retail_commission} onInput={set('retail_commission')} />
                  </label>
                  <label>
                    Hold days (0–14)
                    <input type="number" min={0} max={14} value={f.hold_days} onInput={set('hold_days')} />
                  </label>
                  <label>
                    Effective from (empty: now)
                    <input type="date" value={f.effective_from} onInput={set('effective_from')} />
                  </label>
                  <ErrorBox message={put.error} />
                  <OkBox message={put.ok} />
                  <button type="submit" disabled={put.busy}>
                    Save product
                  </button>
                </form>
              </Card>
              <Card title="Products" wide>
                <Async state={products}>
                  {(p) => (
                    <Table caption="Products and their versions" cols={['SKU', 'Name', { label: 'BV', num: true }, { label: 'CV', num: true }, { label: 'Retail', num: true }, { label: 'Hold', num: true }, 'Effective from']}>
                          {p.products.flatMap((pr) =>
                            pr.versions.map((x) => (
                              <tr key={pr.sku + x.effective_from}>
                                <td>{pr.sku}</td>
                                <td>{x.name}</td>
                                <td class="num">{x.bv}</td>
                                <td class="num">
                                  <Money value={x.cv} />
                                </td>
                                <td class="num">
                                  <Money value={x.retail_commission} />
                                </td>
                                <td class="num">{x.hold_days} d</td>
                                <td>{formatDate(x.effective_from)}</td>
                              </tr>
                            )),
                          )}
                        </Table>
                  )}
                </Async>
              </Card>
            </div>
          </>
        )}
      </Async>
    </>
  );
}

interface ImportJob {
  id: string;
  status: string;
  lines_total: number;
  lines_written: number;
  lines_skipped: number;
  error?: string;
  started_at: string;
  finished_at?: string;
}

/** Imports an NDJSON network and follows the job's progress until it is done or failed. */
export function ImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [cutover, setCutover] = useState('');
  const [job, setJob] = useState<ImportJob>();
  const [pollError, setPollError] = useState<string>();
  const timer = useRef<number | undefined>(undefined);
  const start = useAction(async () => {
    if (!file) return;
    const j = await api<ImportJob>('/members/import', {
      method: 'POST',
      raw: file,
      contentType: 'application/x-ndjson',
      query: { cutover: cutover ? new Date(cutover).toISOString().replace('.000', '') : undefined },
    });
    setJob(j);
  });
  useEffect(() => {
    if (!job || job.status !== 'running') return;
    timer.current = window.setTimeout(async () => {
      try {
        setJob(await api<ImportJob>(`/imports/${encodeURIComponent(job.id)}`));
      } catch (e) {
        setPollError(messageOf(e));
      }
    }, 700);
    return () => clearTimeout(timer.current);
  }, [job]);
  const pct = job ? (job.status === 'done' ? 100 : progressPercent(String(job.lines_written + job.lines_skipped), String(Math.max(job.lines_total, 1)))) : 0;
  return (
    <>
      <h1>Import a network</h1>
      <Card title="NDJSON file">
        <p class="muted">One member per line, sponsors and parents before the members under them. The whole file is checked first; nothing is written if any line is wrong.</p>
        <form class="stack" onSubmit={(e) => (e.preventDefault(), start.run())}>
          <label>
            File
            <input type="file" accept=".ndjson,.jsonl,application/x-ndjson" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
          </label>
          <label>
            Cutover (first import only; optional)
            <input type="datetime-local" value={cutover} onInput={(e) => setCutover(e.currentTarget.value)} />
          </label>
          <ErrorBox message={start.error} />
          <button type="submit" disabled={start.busy || !file}>
            {start.busy ? 'Uploading and checking…' : 'Import'}
          </button>
        </form>
      </Card>
      {job && (
        <Card title={`Import ${job.id}`}>
          <div class="progress" role="progressbar" aria-label="Import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
            <span style={{ width: pct + '%' }} />
          </div>
          <p>
            <StatusBadge status={job.status} /> {job.lines_written} of {job.lines_total} lines written
            {job.lines_skipped ? `, ${job.lines_skipped} identical lines skipped` : ''} ({pct} %)
          </p>
          {job.error && <ErrorBox message={job.error} />}
          <ErrorBox message={pollError} />
        </Card>
      )}
    </>
  );
}
