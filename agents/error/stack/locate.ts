/**
 * Where in the project a parsed trace points: each frame's file is resolved against the root, a
 * generated JavaScript file is mapped through its source map to the original (TypeScript) position,
 * and frames in the project's own code — not dependencies, not runtime internals — are marked
 * `own`. The fault is the first own frame of the trace that matters most: the root cause of an
 * explicit chain (`{ cause }`, `Caused by:`, `raise … from`), but the exception that escaped when an
 * earlier one was merely being handled (Python's "During handling …").
 */
import type { FaultLocation, ParsedTrace, StackFrame } from '../types.js';
import { codeFrame } from './code-frame.js';
import { DEFAULT_MAX_FILE_BYTES, ProjectFiles } from './project-files.js';
import { readWrittenPath, resolveProjectFile, type ResolveHint } from './resolve-project-file.js';
import { isDependencyPath } from './runtime-internals.js';
import { SourceMapStore } from './source-maps.js';

/** Where and how `locate` reads the project. */
export interface LocateOptions {
  /** The project root frames are resolved against; nothing outside it is read. */
  root: string;
  /** Reads a file by absolute path, undefined when absent. Default: the file system, confined to `root`. */
  readFile?: (path: string) => Promise<string | undefined>;
  /** Files (sources, generated files, source maps) larger than this are treated as absent. Default 16 MiB. */
  maxFileBytes?: number;
}

/** What `locate` found. */
export interface LocateResult {
  /** A copy of the trace with `original`, `projectFile` and `own` set on every frame. */
  trace: ParsedTrace;
  /** The first own frame of the trace that matters most, with its code frame. */
  fault?: FaultLocation;
  /** Distinct own locations, most telling first (the fault first). */
  candidates: FaultLocation[];
}

/** Frames resolved per trace (a stack overflow prints thousands of the same few; the fault is near the top). */
const MAX_LOCATED_FRAMES = 1000;
/** Candidates that get a code frame (the first few are what a reader and the faults bench look at). */
const CODE_FRAMES = 5;
const GENERATED_JS = /\.(?:[cm]?js|jsx)$/;

/** Locates a parsed trace in the project under `options.root`. */
export async function locate(trace: ParsedTrace, options: LocateOptions): Promise<LocateResult> {
  const files = new ProjectFiles(options.root, { readFile: options.readFile, maxFileBytes: options.maxFileBytes });
  const maps = new SourceMapStore(files, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  try {
    const located = copyTrace(trace);
    const chain = [located, ...located.causes];
    await Promise.all(chain.flatMap((t) => t.frames.slice(0, MAX_LOCATED_FRAMES).map((frame) => annotate(frame, t.language, files, maps))));
    for (const t of chain) for (const frame of t.frames.slice(MAX_LOCATED_FRAMES)) frame.own = false;

    const candidates: FaultLocation[] = [];
    const seen = new Set<string>();
    for (const t of faultOrder(located)) {
      for (const frame of t.frames) {
        if (!frame.own || frame.projectFile === undefined) continue;
        const position = frame.original ?? frame;
        if (position.line === undefined || position.line < 1) continue;
        const key = `${frame.projectFile}:${position.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const candidate: FaultLocation = { file: frame.projectFile, line: position.line, via: frame.original ? 'source-map' : 'stack' };
        if (position.column !== undefined) candidate.column = position.column;
        const fn = frame.original?.function ?? frame.function;
        if (fn !== undefined) candidate.function = fn;
        candidates.push(candidate);
      }
    }
    await Promise.all(
      candidates.slice(0, CODE_FRAMES).map(async (candidate) => {
        const source = await files.read(candidate.file);
        if (source === undefined) return;
        const frameText = codeFrame(source, candidate.line, candidate.column);
        if (frameText) candidate.codeFrame = frameText;
      }),
    );
    const result: LocateResult = { trace: located, candidates };
    if (candidates[0]) result.fault = candidates[0];
    return result;
  } finally {
    maps.dispose();
  }
}

function copyTrace(trace: ParsedTrace): ParsedTrace {
  const copy: ParsedTrace = { ...trace, frames: trace.frames.map((frame) => ({ ...frame })), causes: trace.causes.map((cause) => ({ ...cause, frames: cause.frames.map((frame) => ({ ...frame })), causes: [] })) };
  return copy;
}

/**
 * The traces of a chain in the order their frames are worth looking at: the chain splits where one
 * exception was only being handled (`context`); within a part, the deepest cause comes first.
 */
export function faultOrder(trace: ParsedTrace): ParsedTrace[] {
  const parts: ParsedTrace[][] = [[trace]];
  for (const cause of trace.causes) {
    if (cause.link === 'context') parts.push([cause]);
    else parts[parts.length - 1]!.push(cause);
  }
  return parts.flatMap((part) => part.reverse());
}

/** Java and Kotlin name the file without its folder: the package is in the method's name. */
function hintFor(frame: StackFrame, language: ParsedTrace['language']): ResolveHint {
  if (language !== 'java' || !frame.function || !frame.file || frame.file.includes('/')) return {};
  const lastDot = frame.function.lastIndexOf('.');
  const className = frame.function.slice(0, lastDot);
  const packageEnd = className.lastIndexOf('.');
  if (lastDot < 0 || packageEnd < 0) return {};
  return { packagePath: `${className.slice(0, packageEnd).replace(/\./g, '/')}/` };
}

async function annotate(frame: StackFrame, language: ParsedTrace['language'], files: ProjectFiles, maps: SourceMapStore): Promise<void> {
  frame.own = false;
  if (frame.internal || frame.file === undefined || frame.line === undefined) return;
  const file = await resolveProjectFile(frame.file, files, hintFor(frame, language));
  if (file === undefined) return;
  frame.projectFile = file;
  if (isDependencyPath(file)) return;
  if (language === 'javascript' && GENERATED_JS.test(file)) {
    const position = await maps.originalPosition(file, frame.line, frame.column);
    if (position) {
      const original = await resolveProjectFile(position.source, files);
      frame.original = { file: original ?? displayPath(position.source), line: position.line, column: position.column + 1 };
      if (frame.function !== undefined) frame.original.function = frame.function;
      if (original === undefined) {
        // Mapped to a file that is not in the project (outside the root, or not checked out).
        delete frame.projectFile;
        return;
      }
      frame.projectFile = original;
      frame.own = !isDependencyPath(original);
      return;
    }
  }
  frame.own = true;
}

/** A mapped source that is not in the project, written as a path when it is one. */
function displayPath(source: string): string {
  const parsed = readWrittenPath(source);
  return parsed?.kind === 'absolute' ? parsed.path : source;
}
