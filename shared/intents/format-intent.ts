/**
 * The slash command that says exactly an intent: `/spawn security-scanner 3 src/`. Hosts show it
 * when they ask for a confirmation ("Run `/spawn test-runner 1 src/`?") and in suggestions; it
 * parses back to the same intent (tested as a property).
 */
import type { IntentBody } from './intent-schema.js';

const PERIOD_TEXT = { 'last-hour': 'last hour', today: 'today', yesterday: 'yesterday', 'this-week': 'this week' } as const;

/** A path as a slash argument: with a "/" so it is never read as a word, nor its last "." as a full stop. */
function pathArgument(path: string): string {
  return path.includes('/') && !path.endsWith('.') ? path : `${path}/`;
}

function scopeArguments(scope: { paths?: string[] | undefined; changed?: boolean | undefined } | undefined): string {
  if (scope === undefined) return '';
  const parts = [...(scope.paths ?? []).map(pathArgument), ...(scope.changed === true ? ['changed'] : [])];
  return parts.length === 0 ? '' : ` for ${parts.join(' ')}`;
}

/** The slash command for `intent` (its permission, if any, is not part of the text). */
export function formatIntent(intent: IntentBody): string {
  switch (intent.type) {
    case 'spawn': {
      const where = intent.scope.file === undefined ? scopeArguments(intent.scope) : ` on ${pathArgument(intent.scope.file)}`;
      return `/spawn ${intent.agentKind} ${intent.count}${where}`;
    }
    case 'configure': {
      const { setting, target } = intent;
      const what = 'powerMode' in setting ? `${setting.powerMode}-power` : 'enabled' in setting ? (setting.enabled ? 'enabled' : 'disabled') : `${setting.area} sensitivity ${setting.sensitivity}`;
      return `/configure ${target.agents} ${what}${scopeArguments({ paths: target.paths })}`;
    }
    case 'orchestrate': {
      const condition = intent.condition === undefined ? '' : `if ${intent.condition}: `;
      return `/${intent.kind} ${condition}${intent.steps.join(' -> ')}${scopeArguments(intent.scope)}`;
    }
    case 'monitor':
      return `/${intent.question}${intent.period === undefined ? '' : ` ${PERIOD_TEXT[intent.period]}`}`;
    case 'stop':
      return intent.agent === undefined ? '/stop' : `/stop ${intent.agent}`;
    case 'approve':
    case 'deny':
      return intent.requestId === undefined ? `/${intent.type}` : `/${intent.type} ${intent.requestId}`;
    case 'explain':
      return intent.target === undefined ? '/explain' : `/explain ${intent.target}`;
    case 'help':
      return intent.topic === undefined ? '/help' : `/help ${intent.topic}`;
  }
}
