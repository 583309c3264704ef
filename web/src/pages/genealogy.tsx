import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { formatBV, label } from '../money';
import { TreeData, allPages, layout, type TreeNode } from '../tree';
import { Badge, ErrorBox, Loading, MoreButton, messageOf, useLoad, usePaged, Card, Table } from '../ui';

const LEVELS = 3; // levels shown below the node in focus
const W = 162;
const H = 140;
const NODE_H = 112; // .tnode's height in styles.css

function fetchTree(id: string, depth: number): Promise<TreeNode[]> {
  return allPages((cursor) => api<Page<TreeNode>>(`/members/${encodeURIComponent(id)}/binary-tree`, { query: { depth, limit: 1000, cursor } }));
}

/**
 * The binary tree viewer: a node and three levels below it. Clicking a member at the edge (or
 * pressing Enter on it) loads the levels below it and moves the view there; only what is on
 * screen is ever asked for, so it behaves the same on a million-member network.
 * Keys: arrows move between members (left/right child, up to the parent), Enter opens.
 */
export function Genealogy({ me, start }: { me: string; start?: string }) {
  const data = useRef(new TreeData()).current;
  const canvas = useRef<HTMLDivElement>(null);
  const [focus, setFocus] = useState(start ?? me);
  const [trail, setTrail] = useState<string[]>(start && start !== me ? [me] : []);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [selected, setSelectedState] = useState<string>(start ?? me);
  // Keys can arrive faster than renders: the handler reads the selection from a ref and moves the
  // browser's focus itself.
  const selectedRef = useRef(selected);
  const setSelected = (id: string) => {
    selectedRef.current = id;
    setSelectedState(id);
    canvas.current?.querySelector<HTMLButtonElement>(`[data-id="${CSS.escape(id)}"]`)?.focus();
  };

  const ensure = async (id: string) => {
    if (data.loadedTo(id, LEVELS)) return;
    setLoading(true);
    setError(undefined);
    try {
      data.add(id, await fetchTree(id, LEVELS), LEVELS);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    ensure(focus);
  }, [focus]);

  const open = (id: string) => {
    if (id === focus) return;
    setTrail((t) => {
      const i = t.indexOf(id);
      return i >= 0 ? t.slice(0, i) : [...t, focus];
    });
    setFocus(id);
    setSelected(id);
  };
  const back = (id: string) => {
    setTrail((t) => t.slice(0, t.indexOf(id)));
    setFocus(id);
    setSelected(id);
  };
  const jump = async (leg: 'left' | 'right') => {
    try {
      const end = await api<TreeNode>(`/members/${encodeURIComponent(focus)}/leg-end/${leg}`);
      data.add(end.id, [{ ...end, level: 0 }], 0);
      setTrail((t) => [...t, focus]);
      setFocus(end.id);
      setSelected(end.id);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const laid = useMemo(() => (data.nodes.has(focus) ? layout(data.slots(focus, LEVELS), W, H) : null), [focus, version]);

  useEffect(() => {
    const el = canvas.current?.querySelector<HTMLButtonElement>(`[data-id="${CSS.escape(selected)}"]`);
    if (el && document.activeElement?.closest('.tree-canvas')) el.focus();
  }, [selected, version]);

  const onKey = (e: KeyboardEvent) => {
    const cur = selectedRef.current;
    let next: string | undefined;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = data.child(cur, 'left') ?? (e.key === 'ArrowDown' ? data.child(cur, 'right') : undefined);
    else if (e.key === 'ArrowRight') next = data.child(cur, 'right');
    else if (e.key === 'ArrowUp') next = cur === focus ? undefined : data.parentOf(cur);
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(cur);
      return;
    } else return;
    e.preventDefault();
    if (next && laid?.nodes.some((p) => p.slot.node?.id === next)) setSelected(next);
    else if (next) open(next);
  };

  return (
    <>
      <h1>Binary tree</h1>
      <div class="row" style="margin-bottom:.5rem">
        <button class="secondary" onClick={() => jump('left')}>
          Bottom of left leg
        </button>
        <button class="secondary" onClick={() => jump('right')}>
          Bottom of right leg
        </button>
        {focus !== me && (
          <button class="secondary" onClick={() => (setTrail([]), setFocus(me), setSelected(me))}>
            Back to me
          </button>
        )}
        <DownlineSearch me={me} onPick={(id) => open(id)} />
      </div>
      <nav class="crumbs" aria-label="Path in the tree">
        {trail.map((id) => (
          <span key={id}>
            <button class="secondary" onClick={() => back(id)}>
              {data.nodes.get(id)?.name ?? id}
            </button>{' '}
            ›
          </span>
        ))}
        <strong>{data.nodes.get(focus)?.name ?? focus}</strong>
      </nav>
      <ErrorBox message={error} />
      {loading && <Loading what="Loading the tree" />}
      <p class="muted" id="tree-help">
        Click a member to open the levels below it. Keyboard: arrow keys move (left, right, up), Enter opens.
      </p>
      {laid && (
        <div class="tree-wrap" aria-busy={loading || (!error && !data.loadedTo(focus, LEVELS)) ? 'true' : 'false'}>
          <div class="tree-canvas" ref={canvas} style={{ width: laid.width + 'px', height: laid.height + 'px' }} role="group" aria-label="Binary tree" aria-describedby="tree-help" onKeyDown={onKey}>
            <svg width={laid.width} height={laid.height} aria-hidden="true">
              {laid.links.map(([a, b]) => (
                <path key={a.slot.key + b.slot.key} d={`M${a.x + 6 + 75},${a.y + NODE_H} V${(a.y + NODE_H + b.y) / 2} H${b.x + 6 + 75} V${b.y}`} fill="none" stroke="#9aa6b5" />
              ))}
            </svg>
            {laid.nodes.map((p) => {
              const n = p.slot.node;
              const style = { left: p.x + 6 + 'px', top: p.y + 'px' };
              if (!n) {
                return (
                  <div key={p.slot.key} class="tnode empty" style={style}>
                    {p.slot.leg ? `empty ${p.slot.leg} leg` : '…'}
                  </div>
                );
              }
              return (
                <button
                  key={n.id}
                  data-id={n.id}
                  class={'tnode' + (n.id === focus ? ' focus-root' : '') + (n.active === false ? ' inactive' : '')}
                  style={style}
                  tabIndex={n.id === selected ? 0 : -1}
                  aria-current={n.id === focus ? 'true' : undefined}
                  onClick={() => open(n.id)}
                  onFocus={() => {
                    selectedRef.current = n.id;
                    setSelectedState(n.id);
                  }}
                >
                  <strong>{n.name}</strong>
                  <span class="muted">{n.id}</span>
                  <br />
                  {label(n.plan)} · {label(n.rank)} · {n.active ? 'active' : 'inactive'}
                  <br />L {formatBV(n.left_volume ?? '0')}
                  <br />R {formatBV(n.right_volume ?? '0')}
                  {p.slot.more && <span class="more">▼ open below</span>}
                </button>
              );
            })}
          </div>
        </div>
      )}
    </>
  );
}

function DownlineSearch({ me, onPick }: { me: string; onPick: (id: string) => void }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<TreeNode[] | null>(null);
  const [error, setError] = useState<string>();
  const search = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const p = await api<Page<TreeNode>>(`/members/${encodeURIComponent(me)}/downline`, { query: { q, limit: 20 } });
      setHits(p.items.filter((h) => h.plan !== 'customer'));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <form class="row" onSubmit={search} role="search">
      <label class="sr-only" for="tree-q">
        Search your downline by name, e-mail or id
      </label>
      <input id="tree-q" placeholder="Search your downline" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      <button type="submit">Search</button>
      <ErrorBox message={error} />
      {hits && (
        <ul aria-label="Search results" style="flex-basis:100%">
          {hits.length === 0 && <li class="muted">No one in your placement tree matches.</li>}
          {hits.map((h) => (
            <li key={h.id}>
              <button class="secondary" type="button" onClick={() => (onPick(h.id), setHits(null))}>
                {h.name} ({h.id})
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

interface Generation {
  generation: number;
  members: number;
  consultants: number;
  customers: number;
}

/** The sponsor tree by generation: counts per generation, and each generation's members paged. */
export function SponsorTree({ me }: { me: string }) {
  const gens = useLoad(() => api<{ generations: Generation[] }>(`/members/${encodeURIComponent(me)}/generations`), [me]);
  const [gen, setGen] = useState(1);
  return (
    <>
      <h1>Sponsor tree</h1>
      {gens.error && <ErrorBox message={gens.error} />}
      {!gens.data ? (
        <Loading />
      ) : (
        <div class="grid">
          <Card title="Generations">
            <Table caption="Members per sponsor generation" cols={['Generation', { label: 'Consultants', num: true }, { label: 'Customers', num: true }, '']}>
                {gens.data.generations.map((g) => (
                  <tr key={g.generation} aria-selected={g.generation === gen}>
                    <td>{g.generation}</td>
                    <td class="num">{g.consultants}</td>
                    <td class="num">{g.customers}</td>
                    <td>
                      <button class={g.generation === gen ? '' : 'secondary'} disabled={g.members === 0} onClick={() => setGen(g.generation)}>
                        Show
                      </button>
                    </td>
                  </tr>
                ))}
              </Table>
          </Card>
          <GenerationList me={me} gen={gen} />
        </div>
      )}
    </>
  );
}

function GenerationList({ me, gen }: { me: string; gen: number }) {
  const p = usePaged((cursor) => api<Page<TreeNode>>(`/members/${encodeURIComponent(me)}/generations/${gen}`, { query: { limit: 50, cursor } }), [me, gen]);
  return (
    <Card title={`Generation ${gen}`}>
      <ErrorBox message={p.error} />
      <ul>
        {p.items.map((m) => (
          <li key={m.id}>
            {m.name} <span class="muted">({m.id})</span> <Badge>{label(m.plan)}</Badge> {m.plan !== 'customer' && <Badge>{label(m.rank)}</Badge>}
            {m.plan !== 'customer' && (
              <>
                {' '}
                <a href={`#/genealogy?focus=${encodeURIComponent(m.id)}`}>in the binary tree</a>
              </>
            )}
          </li>
        ))}
      </ul>
      <MoreButton p={p} />
    </Card>
  );
}
