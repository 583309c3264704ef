// The binary tree viewer's data: nodes arrive a few levels at a time (GET
// /members/{id}/binary-tree?depth=…, paged) and are kept here, so the viewer only ever asks for
// what is on screen. d3-hierarchy lays out the part being shown.
import { hierarchy, tree, type HierarchyPointNode } from 'd3-hierarchy';

export interface TreeNode {
  id: string;
  name: string;
  plan: string;
  rank: string;
  sponsor_id?: string;
  parent_id?: string;
  leg?: 'left' | 'right';
  level: number;
  active?: boolean;
  left_volume?: string;
  right_volume?: string;
}

/** A slot in the layout: a member, an empty leg, or a member whose children are not loaded yet. */
export interface Slot {
  key: string;
  node?: TreeNode;
  leg?: 'left' | 'right';
  parentId?: string;
  more?: boolean; // a member at the edge of the view with children below it
  children?: Slot[];
}

export class TreeData {
  readonly nodes = new Map<string, TreeNode>();
  private readonly kids = new Map<string, { left?: string; right?: string }>();
  /** Members whose children are known (loaded to at least one level below them). */
  private readonly known = new Set<string>();

  /** Records one answer of the binary-tree endpoint asked for `depth` levels below `rootId`. */
  add(rootId: string, items: TreeNode[], depth: number) {
    for (const n of items) {
      this.nodes.set(n.id, { ...this.nodes.get(n.id), ...n });
      if (n.level < depth) {
        this.known.add(n.id);
        if (!this.kids.has(n.id)) this.kids.set(n.id, {});
      }
    }
    for (const n of items) {
      if (n.id === rootId || !n.parent_id || !n.leg) continue;
      const k = this.kids.get(n.parent_id) ?? {};
      k[n.leg] = n.id;
      this.kids.set(n.parent_id, k);
    }
  }

  childrenKnown(id: string): boolean {
    return this.known.has(id);
  }

  child(id: string, leg: 'left' | 'right'): string | undefined {
    return this.kids.get(id)?.[leg];
  }

  parentOf(id: string): string | undefined {
    return this.nodes.get(id)?.parent_id;
  }

  /** Whether the levels below `id` down to `levels` are all loaded. */
  loadedTo(id: string, levels: number): boolean {
    if (levels <= 0) return true;
    if (!this.known.has(id)) return false;
    for (const leg of ['left', 'right'] as const) {
      const c = this.child(id, leg);
      if (c && !this.loadedTo(c, levels - 1)) return false;
    }
    return true;
  }

  /** The slots to show: `levels` levels below `rootId`, each member with both legs. */
  slots(rootId: string, levels: number): Slot {
    const build = (id: string, left: number): Slot => {
      const node = this.nodes.get(id);
      const slot: Slot = { key: id, node };
      if (left === 0 || !this.known.has(id)) {
        const known = this.known.has(id);
        slot.more = !known || !!this.child(id, 'left') || !!this.child(id, 'right');
        return slot;
      }
      slot.children = (['left', 'right'] as const).map((leg) => {
        const c = this.child(id, leg);
        return c ? build(c, left - 1) : { key: `${id}:${leg}`, leg, parentId: id };
      });
      return slot;
    };
    return build(rootId, levels);
  }
}

export interface Placed {
  slot: Slot;
  x: number;
  y: number;
  depth: number;
}

/** Lays out the slots with d3-hierarchy's tidy tree: node boxes of w×h, gaps included. */
export function layout(root: Slot, w: number, h: number): { nodes: Placed[]; links: [Placed, Placed][]; width: number; height: number } {
  const hr = hierarchy<Slot>(root, (s) => s.children);
  const laid = tree<Slot>().nodeSize([w, h]).separation(() => 1)(hr);
  const all = laid.descendants();
  const minX = Math.min(...all.map((n) => n.x));
  const maxX = Math.max(...all.map((n) => n.x));
  const toPlaced = new Map<HierarchyPointNode<Slot>, Placed>();
  for (const n of all) toPlaced.set(n, { slot: n.data, x: n.x - minX, y: n.y, depth: n.depth });
  const links: [Placed, Placed][] = laid.links().map((l) => [toPlaced.get(l.source)!, toPlaced.get(l.target)!]);
  const maxDepth = Math.max(...all.map((n) => n.depth));
  return { nodes: [...toPlaced.values()], links, width: maxX - minX + w, height: (maxDepth + 1) * h };
}

/** Follows next_cursor until the endpoint has given everything (the views ask for a few levels only). */
export async function allPages<T>(fetch: (cursor?: string) => Promise<{ items: T[]; next_cursor?: string }>, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const p = await fetch(cursor);
    out.push(...p.items);
    if (!p.next_cursor) break;
    cursor = p.next_cursor;
  }
  return out;
}
