import { describe, expect, it } from 'vitest';
import { TreeData, allPages, layout, type TreeNode } from './tree';

const n = (id: string, level: number, parent?: string, leg?: 'left' | 'right'): TreeNode => ({ id, name: id, plan: 'consultant', rank: 'none', level, parent_id: parent, leg });

describe('tree data', () => {
  it('knows which members have their children loaded', () => {
    const t = new TreeData();
    t.add('a', [n('a', 0, 'root', 'left'), n('b', 1, 'a', 'left'), n('c', 1, 'a', 'right'), n('d', 2, 'b', 'left')], 2);
    expect(t.childrenKnown('a')).toBe(true);
    expect(t.childrenKnown('b')).toBe(true);
    expect(t.childrenKnown('d')).toBe(false); // at the edge: its children were not asked for
    expect(t.child('a', 'left')).toBe('b');
    expect(t.child('b', 'right')).toBeUndefined();
    expect(t.loadedTo('a', 2)).toBe(true);
    expect(t.loadedTo('a', 3)).toBe(false);
  });

  it('shows empty legs as slots and marks the edge for lazy loading', () => {
    const t = new TreeData();
    t.add('a', [n('a', 0), n('b', 1, 'a', 'left'), n('d', 2, 'b', 'left')], 2);
    const s = t.slots('a', 2);
    expect(s.children!.map((c) => c.node?.id ?? `empty ${c.leg}`)).toEqual(['b', 'empty right']);
    const b = s.children![0];
    expect(b.children!.map((c) => c.node?.id ?? `empty ${c.leg}`)).toEqual(['d', 'empty right']);
    expect(b.children![0].more).toBe(true); // d's children are unknown
    t.add('d', [n('d', 0, 'b', 'left')], 1); // d has none
    expect(t.slots('a', 2).children![0].children![0].more).toBe(false);
  });

  it('merges a lazily loaded subtree below the edge', () => {
    const t = new TreeData();
    t.add('a', [n('a', 0), n('b', 1, 'a', 'left')], 1);
    t.add('b', [n('b', 0, 'a', 'left'), n('e', 1, 'b', 'right')], 1);
    expect(t.child('b', 'right')).toBe('e');
    expect(t.loadedTo('a', 2)).toBe(true);
  });

  it('lays out without overlaps', () => {
    const t = new TreeData();
    t.add('a', [n('a', 0), n('b', 1, 'a', 'left'), n('c', 1, 'a', 'right')], 2);
    const l = layout(t.slots('a', 2), 100, 80);
    const xs = l.nodes.filter((p) => p.depth === 2).map((p) => p.x);
    expect(new Set(xs).size).toBe(xs.length);
    expect(l.links.length).toBe(l.nodes.length - 1);
    expect(Math.min(...l.nodes.map((p) => p.x))).toBe(0);
  });
});

describe('paging', () => {
  it('follows next_cursor to the end', async () => {
    const pages: Record<string, { items: number[]; next_cursor?: string }> = { '': { items: [1, 2], next_cursor: 'x' }, x: { items: [3] } };
    const seen: string[] = [];
    const all = await allPages(async (c) => {
      seen.push(c ?? '');
      return pages[c ?? ''];
    });
    expect(all).toEqual([1, 2, 3]);
    expect(seen).toEqual(['', 'x']);
  });

  it('stops at the page limit', async () => {
    let calls = 0;
    await allPages(async () => ({ items: [calls++], next_cursor: 'again' }), 3);
    expect(calls).toBe(3);
  });
});
