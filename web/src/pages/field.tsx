import { useState } from 'preact/hooks';
import { api, download, type Page } from '../api';
import { formatDate, formatDateTime, label } from '../money';
import { Back, Async, Badge, Card, ErrorBox, MoreButton, OkBox, StatusBadge, useAction, useLoad, usePaged } from '../ui';

export interface Gathering {
  id: string;
  kind: 'webinar' | 'event';
  title: string;
  description_html: string;
  format: string;
  location?: string;
  presenter?: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  starts_at_local: string;
  duration_minutes: number;
  capacity: number;
  waitlist: boolean;
  audience: string;
  status: string;
  join_url?: string;
  join_opens_at: string;
  recording_url?: string;
  confirmed: number;
  waitlisted: number;
  seats_left?: number;
  my_registration?: { status: string; position?: number };
}

const plural = (k: string) => (k === 'webinar' ? 'webinars' : 'events');

function GatheringCard({ g, me, onChange }: { g: Gathering; me: string; onChange: () => void }) {
  const mine = g.my_registration && g.my_registration.status !== 'cancelled' ? g.my_registration : undefined;
  const act = useAction(async (what: 'register' | 'cancel') => {
    if (what === 'register') {
      const r = await api<{ status: string; position?: number }>(`/${plural(g.kind)}/${encodeURIComponent(g.id)}/registrations`, { method: 'POST', body: {} });
      onChange();
      return r.status === 'waitlisted' ? `You are on the waitlist, place ${r.position}.` : 'You have a seat.';
    }
    await api(`/${plural(g.kind)}/${encodeURIComponent(g.id)}/registrations/${encodeURIComponent(me)}`, { method: 'DELETE' });
    onChange();
    return 'Your registration is cancelled.';
  });
  const joinOpen = g.join_url && new Date(g.join_opens_at).getTime() <= Date.now() && new Date(g.ends_at).getTime() > Date.now();
  return (
    <Card title={g.title}>
      <p class="muted">
        <Badge>{label(g.kind)}</Badge> {formatDateTime(g.starts_at)} ({g.duration_minutes} min, {g.time_zone}) · {g.format === 'in_person' ? g.location : 'online'}
        {g.presenter ? ` · with ${g.presenter}` : ''}
      </p>
      <div dangerouslySetInnerHTML={{ __html: g.description_html }} />
      <p>
        {g.capacity > 0 ? `${g.seats_left ?? 0} of ${g.capacity} seats left` : 'Unlimited seats'}
        {g.waitlisted > 0 ? ` · ${g.waitlisted} on the waitlist` : ''}
      </p>
      {mine && (
        <p>
          Your registration: <StatusBadge status={mine.status} /> {mine.position ? `place ${mine.position} on the waitlist` : ''}
        </p>
      )}
      <div class="row">
        {!mine && g.status === 'published' && (
          <button disabled={act.busy} onClick={() => act.run('register')}>
            Register
          </button>
        )}
        {mine && (
          <button class="secondary" disabled={act.busy} onClick={() => act.run('cancel')}>
            Cancel registration
          </button>
        )}
        <button class="secondary" onClick={() => download(`/${plural(g.kind)}/${encodeURIComponent(g.id)}/calendar.ics`, `${g.id}.ics`)}>
          Add to calendar (.ics)
        </button>
        {mine && joinOpen && (
          <a class="button" href={g.join_url} target="_blank" rel="noopener noreferrer">
            Join now
          </a>
        )}
        {g.recording_url && (
          <a href={g.recording_url} target="_blank" rel="noopener noreferrer">
            Recording
          </a>
        )}
      </div>
      <ErrorBox message={act.error} />
      <OkBox message={act.ok} />
    </Card>
  );
}

export function Gatherings({ me }: { me: string }) {
  const [when, setWhen] = useState('upcoming');
  const webinars = usePaged((cursor) => api<Page<Gathering>>('/webinars', { query: { when, limit: 20, cursor } }), [when]);
  const events = usePaged((cursor) => api<Page<Gathering>>('/events', { query: { when, limit: 20, cursor } }), [when]);
  return (
    <>
      <div class="spread">
        <h1>Webinars &amp; events</h1>
        <label>
          Show{' '}
          <select value={when} onChange={(e) => setWhen(e.currentTarget.value)}>
            <option value="upcoming">Upcoming</option>
            <option value="past">Past</option>
          </select>
        </label>
      </div>
      <h2>Webinars</h2>
      <ErrorBox message={webinars.error} />
      <div class="grid">
        {webinars.items.map((g) => (
          <GatheringCard key={g.id} g={g} me={me} onChange={webinars.reload} />
        ))}
      </div>
      <MoreButton p={webinars} />
      <h2 style="margin-top:1.5rem">Events</h2>
      <ErrorBox message={events.error} />
      <div class="grid">
        {events.items.map((g) => (
          <GatheringCard key={g.id} g={g} me={me} onChange={events.reload} />
        ))}
      </div>
      <MoreButton p={events} />
    </>
  );
}

export interface ArticleData {
  id: string;
  title: string;
  body_markdown: string;
  body_html: string;
  category: string;
  tags: string[];
  audience: string;
  status: string;
  updated_at: string;
}

export function Articles() {
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const p = usePaged((cursor) => api<Page<ArticleData>>('/kb/articles', { query: { q: search, limit: 20, cursor } }), [search]);
  return (
    <>
      <h1>Knowledge base</h1>
      <form class="row" role="search" onSubmit={(e) => (e.preventDefault(), setSearch(q))}>
        <label class="sr-only" for="kb-q">
          Search articles
        </label>
        <input id="kb-q" placeholder="Search articles" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorBox message={p.error} />
      <ul>
        {p.items.map((a) => (
          <li key={a.id}>
            <a href={`#/kb/${encodeURIComponent(a.id)}`}>{a.title}</a> <span class="muted">({label(a.category)}, {formatDate(a.updated_at)})</span>
          </li>
        ))}
      </ul>
      <MoreButton p={p} />
    </>
  );
}

export function Article({ id }: { id: string }) {
  const st = useLoad(() => api<ArticleData>(`/kb/articles/${encodeURIComponent(id)}`), [id]);
  return (
    <>
      <Back to="#/kb">Knowledge base</Back>
      <Async state={st}>
        {(a) => (
          <article class="card">
            <h1>{a.title}</h1>
            <p class="muted">
              {label(a.category)} · updated {formatDate(a.updated_at)} {a.tags.map((t) => <Badge key={t}>{t}</Badge>)}
            </p>
            <div dangerouslySetInnerHTML={{ __html: a.body_html }} />
          </article>
        )}
      </Async>
    </>
  );
}
