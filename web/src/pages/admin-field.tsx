import { useState } from 'preact/hooks';
import { api, download, type Page } from '../api';
import { go } from '../router';
import { formatDate, formatDateTime, label } from '../money';
import { AUDIENCES, Badge, Card, Select, ErrorBox, MoreButton, OkBox, StatusBadge, useAction, useLoad, usePaged, messageOf, Table } from '../ui';
import type { ArticleData, Gathering } from './field';

/** The knowledge-base editor: a list, and a form whose preview is the server's own rendering (sanitized). */
export function ArticleEditor({ id }: { id?: string }) {
  const list = usePaged((cursor) => api<Page<ArticleData>>('/kb/articles', { query: { limit: 50, cursor } }), [id]);
  const existing = useLoad(() => (id && id !== 'new' ? api<ArticleData>(`/kb/articles/${encodeURIComponent(id)}`) : Promise.resolve(undefined)), [id]);
  return (
    <>
      <div class="spread">
        <h1>Knowledge base</h1>
        <a class="button" href="#/kb/new">
          New article
        </a>
      </div>
      <div class="grid">
        <Card title="Articles">
          <ErrorBox message={list.error} />
          <ul>
            {list.items.map((a) => (
              <li key={a.id}>
                <a href={`#/kb/${encodeURIComponent(a.id)}`}>{a.title}</a> <StatusBadge status={a.status} /> <Badge>{a.audience}</Badge>
              </li>
            ))}
          </ul>
          <MoreButton p={list} />
        </Card>
        {id && (existing.data || id === 'new') && <ArticleForm key={id} article={existing.data} onSaved={list.reload} />}
        <ErrorBox message={existing.error} />
      </div>
    </>
  );
}

function ArticleForm({ article, onSaved }: { article?: ArticleData; onSaved: () => void }) {
  const [f, setF] = useState({
    title: article?.title ?? '',
    body_markdown: article?.body_markdown ?? '',
    category: article?.category ?? 'general',
    tags: (article?.tags ?? []).join(', '),
    audience: article?.audience ?? 'consultants',
    status: article?.status ?? 'draft',
  });
  const [preview, setPreview] = useState<string | undefined>(article?.body_html);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const save = useAction(async (status?: string) => {
    const body = { ...f, status: status ?? f.status, tags: f.tags.split(',').map((t) => t.trim()).filter(Boolean) };
    const a = article
      ? await api<ArticleData>(`/kb/articles/${encodeURIComponent(article.id)}`, { method: 'PUT', body })
      : await api<ArticleData>('/kb/articles', { method: 'POST', body });
    setPreview(a.body_html);
    onSaved();
    if (!article) go('/kb/' + encodeURIComponent(a.id));
    return status === 'draft' ? 'Saved as a draft; the preview below is what readers will see.' : 'Saved.';
  });
  return (
    <Card title={article ? 'Edit article' : 'New article'} wide>
      <form class="stack" style="max-width:none" onSubmit={(e) => (e.preventDefault(), save.run())}>
        <label>
          Title
          <input required value={f.title} onInput={set('title')} />
        </label>
        <div class="row">
          <label>
            Category
            <input value={f.category} onInput={set('category')} />
          </label>
          <label>
            Tags (comma-separated)
            <input value={f.tags} onInput={set('tags')} />
          </label>
          <Select label="Audience" value={f.audience} onChange={(v) => setF({ ...f, audience: v })} options={AUDIENCES} />
          <label>
            Status
            <select value={f.status} onChange={set('status')}>
              <option value="draft">Draft</option>
              <option value="published">Published</option>
            </select>
          </label>
        </div>
        <label>
          Body (Markdown)
          <textarea value={f.body_markdown} onInput={set('body_markdown')} />
        </label>
        <ErrorBox message={save.error} />
        <OkBox message={save.ok} />
        <div class="row">
          <button type="button" class="secondary" disabled={save.busy} onClick={() => (setF({ ...f, status: 'draft' }), save.run('draft'))}>
            Save draft and preview
          </button>
          <button type="submit" disabled={save.busy}>
            Save
          </button>
        </div>
      </form>
      {preview !== undefined && (
        <>
          <h3>Preview</h3>
          <div class="md-preview" dangerouslySetInnerHTML={{ __html: preview }} />
        </>
      )}
    </Card>
  );
}

export function GatheringsAdmin() {
  const [kind, setKind] = useState<'webinars' | 'events'>('webinars');
  const p = usePaged((cursor) => api<Page<Gathering>>('/' + kind, { query: { when: 'all', limit: 30, cursor } }), [kind]);
  const [f, setF] = useState({ title: '', description_markdown: '', starts_at: '', time_zone: 'America/Denver', duration_minutes: '60', capacity: '0', audience: 'consultants', status: 'published', format: 'online', location: '', join_url: '', presenter: '' });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) => setF({ ...f, [k]: e.currentTarget.value });
  const create = useAction(async () => {
    await api('/' + kind, {
      method: 'POST',
      body: { ...f, duration_minutes: Number.parseInt(f.duration_minutes, 10), capacity: Number.parseInt(f.capacity || '0', 10), format: kind === 'webinars' ? 'online' : f.format },
    });
    p.reload();
    return 'Created.';
  });
  return (
    <>
      <div class="spread">
        <h1>Webinars &amp; events</h1>
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as 'webinars' | 'events')}>
            <option value="webinars">Webinars</option>
            <option value="events">Events</option>
          </select>
        </label>
      </div>
      <div class="grid">
        <Card title={`All ${kind}`} wide>
          <ErrorBox message={p.error} />
          <Table caption={`{kind}`} cols={['Title', 'Starts', 'Status', { label: 'Seats', num: true }, 'Registrations']}>
                {p.items.map((g) => (
                  <tr key={g.id}>
                    <td>
                      {g.title} <Badge>{g.audience}</Badge>
                    </td>
                    <td>{formatDateTime(g.starts_at)}</td>
                    <td>
                      <StatusBadge status={g.status} />
                    </td>
                    <td class="num">
                      {g.confirmed}
                      {g.capacity ? ` / ${g.capacity}` : ''} {g.waitlisted ? `(+${g.waitlisted} waiting)` : ''}
                    </td>
                    <td>
                      <Attendance kind={kind} g={g} onDone={p.reload} />
                    </td>
                  </tr>
                ))}
              </Table>
          <MoreButton p={p} />
        </Card>
        <Card title={`New ${kind === 'webinars' ? 'webinar' : 'event'}`}>
          <form class="stack" onSubmit={(e) => (e.preventDefault(), create.run())}>
            <label>
              Title
              <input required value={f.title} onInput={set('title')} />
            </label>
            <label>
              Starts (local time)
              <input type="datetime-local" required value={f.starts_at} onInput={set('starts_at')} />
            </label>
            <label>
              Time zone
              <input required value={f.time_zone} onInput={set('time_zone')} />
            </label>
            <label>
              Duration (minutes)
              <input type="number" min={1} value={f.duration_minutes} onInput={set('duration_minutes')} />
            </label>
            <label>
              Capacity (0: unlimited)
              <input type="number" min={0} value={f.capacity} onInput={set('capacity')} />
            </label>
            {kind === 'events' && (
              <>
                <label>
                  Format
                  <select value={f.format} onChange={set('format')}>
                    <option value="online">Online</option>
                    <option value="in_person">In person</option>
                  </select>
                </label>
                <label>
                  Location
                  <input value={f.location} onInput={set('location')} />
                </label>
              </>
            )}
            <label>
              Presenter
              <input value={f.presenter} onInput={set('presenter')} />
            </label>
            <label>
              Join link
              <input type="url" value={f.join_url} onInput={set('join_url')} />
            </label>
            <Select label="Audience" value={f.audience} onChange={(v) => setF({ ...f, audience: v })} options={AUDIENCES} />
            <label>
              Description (Markdown)
              <textarea style="min-height:6rem" value={f.description_markdown} onInput={set('description_markdown')} />
            </label>
            <ErrorBox message={create.error} />
            <OkBox message={create.ok} />
            <button type="submit" disabled={create.busy}>
              Create
            </button>
          </form>
        </Card>
      </div>
    </>
  );
}

function Attendance({ kind, g, onDone }: { kind: string; g: Gathering; onDone: () => void }) {
  const [err, setErr] = useState<string>();
  const [ok, setOk] = useState<string>();
  const upload = async (file: File) => {
    setErr(undefined);
    try {
      const r = await api<{ marked?: number; walk_ins?: number; unknown?: string[] }>(`/${kind}/${encodeURIComponent(g.id)}/attendance`, { method: 'POST', raw: file, contentType: 'text/csv' });
      setOk(`Attendance recorded${r.unknown?.length ? `; not found: ${r.unknown.join(', ')}` : ''}.`);
      onDone();
    } catch (e) {
      setErr(messageOf(e));
    }
  };
  return (
    <div>
      <div class="row">
        <button class="secondary" onClick={() => download(`/${kind}/${encodeURIComponent(g.id)}/export.csv`, `${g.id}-registrations.csv`).catch((e) => setErr(messageOf(e)))}>
          Export
        </button>
        <label class="button secondary">
          Upload attendance CSV
          <input type="file" accept=".csv,text/csv" class="sr-only" onChange={(e) => e.currentTarget.files?.[0] && upload(e.currentTarget.files[0])} />
        </label>
      </div>
      <span class="muted">
        {label(g.kind)} on {formatDate(g.starts_at)}
      </span>
      <ErrorBox message={err} />
      <OkBox message={ok} />
    </div>
  );
}
