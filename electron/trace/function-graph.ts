/**
 * function_graph text into a merged call tree with call counts, total and self time.
 * Reads both shapes: tracefs `trace` (` 1) + 10.567 us   |  }`, optionally with the abstime and
 * proc columns) and `trace-cmd report` (`bash-1234 [001] 35.1: funcgraph_exit: + 10.567 us | }`).
 * Nesting is tracked per CPU, because that is how the tracer nests calls.
 */
import { parseFtraceLine, type FtraceLine } from './ftrace-line.ts';
import type { CallTreeNode } from '../api/trace-model.ts';

interface MergedNode {
  name: string;
  calls: number;
  totalUs: number;
  selfUs: number;
  children: Map<string, MergedNode>;
}

interface Frame {
  node: MergedNode;
  childUs: number;
}

/** Sink for calls whose timestamp is known (trace-cmd report, or the funcgraph-abstime column). */
export type GraphEventSink = (ts: number, cpu: number, pid: number, comm: string, event: string, args: string) => void;

const maxNodes = 200_000;
const tracefsPrefixRe = /^\s*(?:(\d+\.\d+)\s+\|\s+)?(\d+)\)\s+(?:(\S.*?)-(\d+)\s+\|\s+)?(.*)$/;
const durationRe = /(\d+(?:\.\d+)?)\s*(us|ms|ns|s)\s*$/;

function newNode(name: string): MergedNode {
  return { name, calls: 0, totalUs: 0, selfUs: 0, children: new Map() };
}

/** Builds the merged call tree line by line. */
export class FunctionGraphParser {
  skipped = 0;
  /** Exits with no matching entry (the trace started inside those calls). */
  unmatchedExits = 0;
  private nodes = 0;
  private readonly root = newNode('(all)');
  private readonly stacks = new Map<number, Frame[]>();
  private readonly header: FtraceLine = { comm: '', pid: 0, cpu: 0, ts: 0, event: '', args: '' };

  constructor(private readonly sink: GraphEventSink | null) {}

  line(line: string): void {
    if (line.length === 0 || line.charCodeAt(0) === 35 /* # */) return;
    let cpu: number;
    let body: string;
    let ts = NaN;
    let pid = -1;
    let comm = '';
    let event = 'funcgraph';
    if (parseFtraceLine(line, this.header)) {
      if (!this.header.event.startsWith('funcgraph_')) {
        // Other events interleaved with the graph: keep them as events, outside the tree.
        this.sink?.(this.header.ts, this.header.cpu, this.header.pid, this.header.comm, this.header.event, this.header.args);
        return;
      }
      ({ cpu, ts, pid, comm, event } = this.header);
      body = this.header.args;
    } else {
      const m = tracefsPrefixRe.exec(line);
      if (m === null) {
        if (!/^\s*-{8,}\s*$/.test(line) && !/=>/.test(line)) this.skipped++;
        return;
      }
      cpu = +m[2]!;
      if (m[1] !== undefined) ts = +m[1];
      if (m[4] !== undefined) {
        comm = m[3]!;
        pid = +m[4];
      }
      body = m[5]!;
    }
    const commentAt = body.indexOf('/*');
    const bar = body.lastIndexOf('|', commentAt === -1 ? body.length : commentAt);
    if (bar === -1) {
      // Context-switch and interrupt marker lines carry no call.
      if (!/=>|==========|<==/.test(body)) this.skipped++;
      return;
    }
    const left = body.slice(0, bar);
    const text = body.slice(bar + 1).trim();
    const dm = durationRe.exec(left.trimEnd());
    const durUs = dm ? toMicros(+dm[1]!, dm[2]!) : NaN;
    if (!Number.isNaN(ts)) this.sink?.(ts, cpu, pid, comm || '<unknown>', event, text + (dm ? ` (${dm[1]} ${dm[2]})` : ''));
    this.call(cpu, text, durUs);
  }

  private call(cpu: number, text: string, durUs: number): void {
    let stack = this.stacks.get(cpu);
    if (stack === undefined) {
      stack = [];
      this.stacks.set(cpu, stack);
    }
    if (text.endsWith('{')) {
      const name = functionName(text);
      const parent = stack.length ? stack[stack.length - 1]!.node : this.root;
      stack.push({ node: this.child(parent, name), childUs: 0 });
      return;
    }
    if (text.startsWith('}')) {
      const frame = stack.pop();
      if (frame === undefined) {
        this.unmatchedExits++;
        const named = /\/\*\s*([\w.$]+)\s*\*\//.exec(text);
        if (named && !Number.isNaN(durUs)) this.record(this.child(this.root, named[1]!), durUs, 0);
        return;
      }
      if (!Number.isNaN(durUs)) {
        this.record(frame.node, durUs, frame.childUs);
        if (stack.length) stack[stack.length - 1]!.childUs += durUs;
      } else frame.node.calls++;
      return;
    }
    if (text.endsWith(';')) {
      const parent = stack.length ? stack[stack.length - 1]!.node : this.root;
      const node = this.child(parent, functionName(text));
      const d = Number.isNaN(durUs) ? 0 : durUs;
      this.record(node, d, 0);
      if (stack.length) stack[stack.length - 1]!.childUs += d;
      return;
    }
    // "/* event: ... */" comments and anything else inside the graph are not calls.
  }

  private record(node: MergedNode, durUs: number, childUs: number): void {
    node.calls++;
    node.totalUs += durUs;
    node.selfUs += Math.max(0, durUs - childUs);
  }

  private child(parent: MergedNode, name: string): MergedNode {
    let n = parent.children.get(name);
    if (n === undefined) {
      if (this.nodes >= maxNodes) return parent;
      n = newNode(name);
      parent.children.set(name, n);
      this.nodes++;
    }
    return n;
  }

  /** The merged tree; the root's total is the sum of its top-level calls. */
  tree(): CallTreeNode {
    const convert = (n: MergedNode): CallTreeNode => ({
      name: n.name,
      calls: n.calls,
      totalUs: round3(n.totalUs),
      selfUs: round3(n.selfUs),
      children: [...n.children.values()].map(convert).sort((a, b) => b.totalUs - a.totalUs),
    });
    const out = convert(this.root);
    out.totalUs = round3(out.children.reduce((s, c) => s + c.totalUs, 0));
    out.calls = out.children.reduce((s, c) => s + c.calls, 0);
    return out;
  }
}

function functionName(text: string): string {
  const paren = text.indexOf('(');
  return (paren === -1 ? text.replace(/[;{]\s*$/, '') : text.slice(0, paren)).trim();
}

function toMicros(v: number, unit: string): number {
  return unit === 'us' ? v : unit === 'ms' ? v * 1000 : unit === 'ns' ? v / 1000 : v * 1e6;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
