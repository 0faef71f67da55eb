/**
 * The words the grammar knows, after normalisation (lower case, singular: see tokenize.ts). Each
 * table is small and flat on purpose: a synonym is added by adding one entry, and a word that is
 * in no table is an unknown word, which makes an action fail rather than be guessed at.
 */
import type { AgentKind, MONITORING_AREAS, StepName } from './intent-schema.js';

const set = (...words: string[]): ReadonlySet<string> => new Set(words);

/** Words that carry no meaning in any command ("please spawn a new scanner for me"). */
export const FILLER = set('a', 'an', 'the', 'and', 'please', 'pls', 'kindly', 'can', 'could', 'would', 'will', 'you', 'i', 'we', 'want', 'need', 'like', 'let', 'u', 'just', 'now', 'me', 'some', 'new', 'more', 'additional', 'extra', 'quickly', 'hey', 'hi', 'orchestra', 'ok', 'okay', 'go', 'ahead', 'also', 'right', 'away', 'asap', 'thanks', 'thank', 'mode', 'it', 'them', 'those', 'these', 'that', 'this', 'of', 'with', 'to', 'into', 'my', 'our', 'your');

/** Phrases that start agents; the verb is dropped, the rest names what to start. */
export const SPAWN_VERBS = set('spawn', 'create', 'start', 'launch', 'run', 'add', 'begin', 'boot', 'instantiate', 'summon', 'watch', 'tail', 'follow');
/** Two-word verbs (`spin up`): matched before the one-word ones. */
export const SPAWN_PHRASES: readonly (readonly [string, string])[] = [['spin', 'up'], ['fire', 'up'], ['set', 'up'], ['bring', 'up'], ['start', 'up'], ['kick', 'off'], ['boot', 'up']];
/** Spawn verbs that imply a log watcher when no kind is named ("watch logs/app.log"). */
export const LOG_VERBS = set('watch', 'tail', 'follow');

/** Verbs that change settings. */
export const CONFIGURE_VERBS = set('set', 'configure', 'config', 'change', 'switch', 'put', 'make', 'turn', 'adjust', 'tune', 'update', 'increase', 'decrease', 'raise', 'lower', 'reduce', 'boost', 'bump', 'disable', 'enable', 'pause', 'resume', 'mute', 'unmute', 'activate', 'deactivate', 'reactivate', 'silence', 'suspend', 'unpause', 'shut');
/** Verbs and particles that switch agents off or on by themselves. */
export const DISABLE_WORDS = set('disable', 'deactivate', 'pause', 'mute', 'silence', 'suspend', 'off', 'disabled', 'false', 'no');
export const ENABLE_WORDS = set('enable', 'activate', 'reactivate', 'resume', 'unmute', 'unpause', 'on', 'enabled', 'true', 'yes');
/** Words that only make a configure command read well. */
export const CONFIGURE_NOISE = set('set', 'configure', 'config', 'change', 'switch', 'put', 'make', 'turn', 'adjust', 'tune', 'update', 'increase', 'decrease', 'raise', 'lower', 'reduce', 'boost', 'bump', 'shut', 'level', 'setting', 'in', 'at', 'up', 'down', 'area', 'value', 'from', 'back');

/** Power modes and what names them. */
export const POWER_WORDS = set('power', 'powermode', 'eco', 'economy', 'battery', 'saving', 'saver', 'lowpower');
export const LOW_POWER_WORDS = set('low', 'eco', 'economy', 'battery', 'saving', 'saver', 'reduced', 'minimal', 'lowpower');
export const NORMAL_POWER_WORDS = set('normal', 'full', 'high', 'default', 'regular', 'standard', 'max', 'maximum');

/** Words that name a sensitivity, and the levels. */
export const SENSITIVITY_WORDS = set('sensitivity', 'sensitive', 'threshold', 'severity');
export const LEVEL_WORDS: ReadonlyMap<string, 'info' | 'warning' | 'error' | 'critical'> = new Map([
  ['info', 'info'],
  ['information', 'info'],
  ['informational', 'info'],
  ['warning', 'warning'],
  ['warn', 'warning'],
  ['error', 'error'],
  ['critical', 'critical'],
]);
/** Areas: phrases, longest first. */
export const AREA_PHRASES: readonly (readonly [readonly string[], (typeof MONITORING_AREAS)[number]])[] = [
  [['error', 'monitoring'], 'error-monitoring'],
  [['error', 'monitor'], 'error-monitoring'],
  [['error', 'detection'], 'error-monitoring'],
  [['error'], 'error-monitoring'],
  [['security'], 'security'],
  [['syntax'], 'syntax'],
  [['style'], 'style'],
  [['lint'], 'style'],
  [['complexity'], 'complexity'],
  [['test'], 'tests'],
  [['log', 'monitoring'], 'logs'],
  [['log'], 'logs'],
];

/** The word that starts a kind of agent's name (`security` in "security scanner agents"). */
export const KIND_HEADS: ReadonlyMap<string, AgentKind> = new Map([
  ['security', 'security-scanner'],
  ['vulnerability', 'security-scanner'],
  ['sec', 'security-scanner'],
  ['scanner', 'security-scanner'],
  ['syntax', 'syntax-checker'],
  ['parser', 'syntax-checker'],
  ['style', 'style-validator'],
  ['lint', 'style-validator'],
  ['linter', 'style-validator'],
  ['linting', 'style-validator'],
  ['eslint', 'style-validator'],
  ['complexity', 'complexity-analyzer'],
  ['test', 'test-runner'],
  ['tester', 'test-runner'],
  ['testing', 'test-runner'],
  ['log', 'log-watcher'],
  ['logfile', 'log-watcher'],
  ['review', 'review-swarm'],
  ['reviewer', 'review-swarm'],
  ['swarm', 'review-swarm'],
]);
/** Words that may come before a head (`code` review swarm, `unit` tests). */
export const KIND_PREFIXES = set('code', 'unit');
/** Words that may follow a head (security `scanner agents`). */
export const KIND_TAILS = set('scanner', 'scan', 'scanning', 'checker', 'check', 'checking', 'validator', 'validation', 'analyzer', 'analyser', 'analysis', 'runner', 'run', 'suite', 'watcher', 'watching', 'monitor', 'monitoring', 'tailer', 'swarm', 'agent', 'bot', 'worker', 'instance');

/** Agent groups. */
export const BACKGROUND_WORDS = set('background', 'idle', 'passive');
export const ALL_WORDS = set('all', 'every', 'each', 'everything', 'everyone', 'agent', 'bot', 'worker');

/** Counts said in words. */
export const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ['one', 1], ['single', 1], ['two', 2], ['pair', 2], ['couple', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8], ['nine', 9], ['ten', 10],
  ['eleven', 11], ['twelve', 12], ['fifteen', 15], ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50], ['hundred', 100], ['thousand', 1000], ['million', 1_000_000],
]);
/** Counts too vague to act on: the person is asked for a number. */
export const VAGUE_COUNTS = set('few', 'several', 'many', 'lot', 'lots', 'bunch', 'multiple', 'numerous', 'plenty', 'dozen', 'dozens', 'hundreds', 'thousands', 'millions', 'infinite', 'unlimited', 'max', 'maximum');

/** Orchestration keywords and their kind. */
export const ORCHESTRATION_WORDS: ReadonlyMap<string, 'chain' | 'pipeline' | 'cascade'> = new Map([
  ['chain', 'chain'],
  ['sequence', 'chain'],
  ['pipeline', 'pipeline'],
  ['workflow', 'pipeline'],
  ['cascade', 'cascade'],
]);
/** Words allowed before the keyword ("set up a cascade"). */
export const ORCHESTRATION_HEADER = set('create', 'set', 'setup', 'up', 'build', 'make', 'define', 'run', 'start', 'launch', 'configure', 'do', 'compose', 'spawn', 'execute');
/** Separators between steps. */
export const STEP_SEPARATORS = set('→', ',', 'then', 'and', 'next', 'finally', 'followed', 'afterwards', 'afterward');
/** Words inside a step that add nothing ("run the tests", "write a report"). */
export const STEP_NOISE = set('run', 'do', 'check', 'checking', 'scan', 'scanning', 'step', 'stage', 'agent', 'analyze', 'analyse', 'code', 'write', 'generate', 'create', 'produce', 'make', 'apply', 'by', 'after', 'that', 'final', 'unit', 'suite', 'analysis');
/** Step names and their synonyms. */
export const STEP_WORDS: ReadonlyMap<string, StepName> = new Map([
  ['syntax', 'syntax'],
  ['parse', 'syntax'],
  ['security', 'security'],
  ['sec', 'security'],
  ['vulnerability', 'security'],
  ['lint', 'lint'],
  ['linting', 'lint'],
  ['linter', 'lint'],
  ['eslint', 'lint'],
  ['style', 'lint'],
  ['complexity', 'complexity'],
  ['test', 'test'],
  ['testing', 'test'],
  ['review', 'review'],
  ['triage', 'triage'],
  ['debug', 'debug'],
  ['debugging', 'debug'],
  ['diagnose', 'debug'],
  ['fix', 'fix'],
  ['autofix', 'fix'],
  ['repair', 'fix'],
  ['patch', 'fix'],
  ['summary', 'summary'],
  ['summarize', 'summary'],
  ['summarise', 'summary'],
  ['summarization', 'summary'],
  ['report', 'report'],
  ['reporting', 'report'],
]);
/** Cascade conditions: what follows "if"/"when"/"on". */
export const CONDITION_OPENERS = set('if', 'when', 'whenever', 'on', 'upon');
export const CONDITION_WORDS: ReadonlyMap<string, 'error' | 'findings'> = new Map([
  ['error', 'error'],
  ['fail', 'error'],
  ['failure', 'error'],
  ['failing', 'error'],
  ['failed', 'error'],
  ['crash', 'error'],
  ['exception', 'error'],
  ['broken', 'error'],
  ['finding', 'findings'],
  ['issue', 'findings'],
  ['problem', 'findings'],
]);
/** Words inside a condition that add nothing ("if there is an error"). */
export const CONDITION_NOISE = set('there', 'is', 'are', 'any', 'a', 'an', 'the', 'test', 'build', 'it', 'something', 'occur', 'occurs', 'happen', 'happens');

/** Stopping agents. */
export const STOP_VERBS = set('stop', 'kill', 'halt', 'terminate', 'end', 'shutdown', 'quit');
/** Answering approval requests. */
export const APPROVE_VERBS = set('approve', 'accept', 'allow', 'confirm', 'grant', 'authorize', 'authorise');
export const DENY_VERBS = set('deny', 'reject', 'refuse', 'decline', 'disallow', 'veto');
/** Words around a request id that add nothing ("approve request #12", "deny the pending one"). */
export const REQUEST_NOISE = set('request', 'approval', 'pending', 'latest', 'last', 'one', 'it', 'that', 'this', 'id', 'number', 'no');

/** Explaining a rule or finding. */
export const EXPLAIN_VERBS = set('explain', 'describe', 'clarify');
/** Words that make a what/why question one about the latest failure ("what broke the build?", "why did it fail?"). */
export const FAILURE_WORDS = set('broke', 'broken', 'break', 'breaks', 'breaking', 'fail', 'fails', 'failed', 'failing', 'failure', 'crash', 'crashes', 'crashed', 'crashing');
export const EXPLAIN_NOISE = set('rule', 'finding', 'fingerprint', 'what', 'why', 'is', 'was', 'does', 'do', 'mean', 'meaning', 'about', 'tell', 'flagged', 'reported', 'raised', 'issue', 'warning', 'error', 'this', 'that');

/** Help. */
export const HELP_WORDS = set('help', 'usage', 'command', 'commands', 'manual', 'man', 'howto');
export const HELP_TOPIC_WORDS: ReadonlyMap<string, 'spawn' | 'configure' | 'orchestrate' | 'monitor' | 'stop' | 'approve' | 'deny' | 'explain'> = new Map([
  ['spawn', 'spawn'],
  ['start', 'spawn'],
  ['create', 'spawn'],
  ['configure', 'configure'],
  ['config', 'configure'],
  ['set', 'configure'],
  ['setting', 'configure'],
  ['chain', 'orchestrate'],
  ['pipeline', 'orchestrate'],
  ['cascade', 'orchestrate'],
  ['orchestrate', 'orchestrate'],
  ['monitor', 'monitor'],
  ['status', 'monitor'],
  ['stop', 'stop'],
  ['approve', 'approve'],
  ['deny', 'deny'],
  ['explain', 'explain'],
]);

/** Questions: the words that open one, and the words that name what is asked. */
export const QUESTION_OPENERS = set('how', 'what', 'which', 'who', 'where', 'show', 'list', 'display', 'give', 'tell', 'get', 'any', 'are', 'is', 'did', 'have', 'has', 'status', 'view', 'see', 'check');
export const MONITOR_TOPICS: readonly (readonly ['resources' | 'patterns' | 'discoveries' | 'findings' | 'status', ReadonlySet<string>])[] = [
  ['resources', set('resource', 'cpu', 'memory', 'ram', 'load', 'usage', 'consumption', 'busiest', 'heaviest', 'expensive', 'hungry', 'thread', 'power', 'energy')],
  ['patterns', set('pattern', 'learner', 'learned', 'learnt', 'learning', 'learn', 'trend', 'recurring')],
  ['discoveries', set('discovery', 'discovered', 'discover', 'insight')],
  ['findings', set('found', 'finding', 'find', 'issue', 'problem', 'result', 'detected', 'detect', 'flagged', 'bug', 'spotted', 'caught', 'error', 'warning', 'vulnerability')],
  ['status', set('status', 'health', 'healthy', 'doing', 'running', 'alive', 'up', 'state', 'how', 'working', 'active', 'going', 'overview')],
];
/** Words that a question may contain without changing what is asked. */
export const QUESTION_NOISE = set(
  ...['how', 'what', 'which', 'who', 'where', 'show', 'list', 'display', 'give', 'tell', 'get', 'any', 'are', 'is', 'was', 'were', 'did', 'do', 'does', 'have', 'has', 'had', 'been', 'be', 'view', 'see', 'check'],
  ...['agent', 'bot', 'worker', 'all', 'everything', 'everyone', 'so', 'far', 'currently', 'current', 'there', 'they', 'their', 'most', 'top', 'using', 'use', 'used', 'identified', 'identify', 'noticed', 'seen', 'by', 'from', 'in', 'on', 'about', 'since', 'overall', 'summary', 'report', 'latest', 'recent', 'recently', 'many', 'much'],
);
/** Periods: phrases, longest first. */
export const PERIOD_PHRASES: readonly (readonly [readonly string[], 'last-hour' | 'today' | 'yesterday' | 'this-week'])[] = [
  [['last', 'hour'], 'last-hour'],
  [['past', 'hour'], 'last-hour'],
  [['this', 'hour'], 'last-hour'],
  [['today'], 'today'],
  [['yesterday'], 'yesterday'],
  [['this', 'week'], 'this-week'],
  [['past', 'week'], 'this-week'],
  [['last', 'week'], 'this-week'],
];

/** Where a scope starts ("for src/", "on logs/app.log"). */
export const SCOPE_PREPOSITIONS = set('for', 'on', 'in', 'under', 'over', 'across', 'within', 'at', 'inside');
/** Scope words meaning "the current changes". */
export const CHANGED_WORDS = set('changed', 'change', 'current', 'modified', 'uncommitted', 'staged', 'diff', 'dirty', 'edited', 'pending', 'local', 'unstaged');
/** Scope words meaning "the whole workspace" (an empty scope). */
export const WHOLE_WORKSPACE_WORDS = set('workspace', 'repo', 'repository', 'project', 'codebase', 'everything', 'whole', 'entire', 'tree');
/** Scope words that add nothing ("all changed files"). */
export const SCOPE_NOISE = set('the', 'my', 'our', 'a', 'all', 'every', 'file', 'folder', 'directory', 'dir', 'and', ',', 'only', 'just', 'source', 'code', 'its', 'of');
/** Folder names people write without a slash; other bare words after "for" are not taken as paths. */
export const COMMON_FOLDERS = set('src', 'lib', 'test', 'tests', 'spec', 'specs', 'docs', 'app', 'apps', 'packages', 'scripts', 'bin', 'pkg', 'cmd', 'internal', 'server', 'client', 'web', 'api', 'source', 'sources', 'examples', 'tools', 'shared', 'agents', 'cli', 'bench', 'logs');

/**
 * Destructive requests. Orchestra's chat grammar has no command that reverts, deletes or rewrites
 * history, so any of these words refuses the whole command (a hostile "…and revert main" cannot
 * ride along with a harmless request).
 */
export const DESTRUCTIVE_WORDS = set('revert', 'rollback', 'undo', 'delete', 'remove', 'rm', 'rmdir', 'erase', 'wipe', 'purge', 'destroy', 'reset', 'truncate', 'overwrite', 'uninstall', 'nuke', 'shred', 'unlink', 'obliterate', 'annihilate');
/** Two-word destructive phrases. */
export const DESTRUCTIVE_PHRASES: readonly (readonly [string, string])[] = [['roll', 'back'], ['force', 'push'], ['push', 'force'], ['hard', 'reset'], ['clean', 'fdx']];

/** Words that open an instruction to an AI assistant rather than a command ("ignore previous instructions"). */
export const OVERRIDE_VERBS = set('ignore', 'disregard', 'forget', 'override', 'bypass');
export const OVERRIDE_OBJECTS = set('instruction', 'prompt', 'rule', 'previous', 'prior', 'above', 'earlier', 'everything', 'guideline', 'guardrail', 'policy', 'safety', 'restriction', 'system');
/** Other phrases of prompt injection. */
export const INJECTION_PHRASES: readonly (readonly string[])[] = [['system', 'prompt'], ['you', 'are', 'now'], ['act', 'as'], ['pretend'], ['jailbreak'], ['sudo'], ['developer', 'mode'], ['new', 'instruction'], ['dan', 'mode']];

const tables: readonly (ReadonlySet<string> | ReadonlyMap<string, unknown>)[] = [
  SPAWN_VERBS, CONFIGURE_VERBS, DISABLE_WORDS, ENABLE_WORDS, CONFIGURE_NOISE, POWER_WORDS, LOW_POWER_WORDS, NORMAL_POWER_WORDS, SENSITIVITY_WORDS, LEVEL_WORDS,
  KIND_HEADS, KIND_PREFIXES, KIND_TAILS, BACKGROUND_WORDS, ALL_WORDS, NUMBER_WORDS, VAGUE_COUNTS, ORCHESTRATION_WORDS, ORCHESTRATION_HEADER, STEP_SEPARATORS,
  STEP_NOISE, STEP_WORDS, CONDITION_OPENERS, CONDITION_WORDS, STOP_VERBS, APPROVE_VERBS, DENY_VERBS, EXPLAIN_VERBS, HELP_WORDS, HELP_TOPIC_WORDS, QUESTION_OPENERS,
  ...MONITOR_TOPICS.map(([, words]) => words), SCOPE_PREPOSITIONS, CHANGED_WORDS, WHOLE_WORKSPACE_WORDS,
];

/** Words with a meaning in some command: candidates for "did you mean", and never taken for a folder name. */
export const MEANINGFUL_WORDS: ReadonlySet<string> = new Set([
  ...tables.flatMap((table) => [...table.keys()]),
  ...SPAWN_PHRASES.flat(),
  ...AREA_PHRASES.flatMap(([phrase]) => phrase),
  ...PERIOD_PHRASES.flatMap(([phrase]) => phrase),
]);

/** Every word any table knows, fillers included. */
export const KNOWN_WORDS: ReadonlySet<string> = new Set([
  ...MEANINGFUL_WORDS, ...FILLER, ...CONDITION_NOISE, ...REQUEST_NOISE, ...EXPLAIN_NOISE, ...QUESTION_NOISE, ...SCOPE_NOISE,
]);
