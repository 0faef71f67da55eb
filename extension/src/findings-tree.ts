/** The Findings view: current findings grouped by file, agent or severity; a click opens the spot. */
import * as vscode from 'vscode';
import type { Finding } from '../../shared/findings/finding.js';
import { rangeOf } from './diagnostics.js';

export type GroupBy = 'file' | 'agent' | 'severity';

type Node = { kind: 'group'; label: string; findings: Finding[] } | { kind: 'finding'; finding: Finding };

const ICON: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };

export class FindingsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  groupBy: GroupBy = 'file';

  constructor(private readonly root: vscode.Uri, private readonly all: () => Finding[]) {}

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'finding') return [];
    if (node?.kind === 'group') return node.findings.map((finding) => ({ kind: 'finding', finding }));
    const groups = new Map<string, Finding[]>();
    for (const f of this.all()) {
      const key = this.groupBy === 'file' ? f.file : this.groupBy === 'agent' ? f.agent : f.severity;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([label, findings]) => ({ kind: 'group', label, findings }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.findings.length}`;
      if (this.groupBy === 'file') item.resourceUri = vscode.Uri.joinPath(this.root, node.label);
      return item;
    }
    const f = node.finding;
    const item = new vscode.TreeItem(f.message, vscode.TreeItemCollapsibleState.None);
    item.description = `${f.ruleId} · ${f.file}:${f.range.start.line}`;
    item.tooltip = `${f.severity} · ${f.agent}\n${f.message}${f.help ? `\n\n${f.help}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(ICON[f.severity]);
    item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.joinPath(this.root, f.file), { selection: rangeOf(f) }] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
