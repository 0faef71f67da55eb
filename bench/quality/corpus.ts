/**
 * The labelled quality corpus for the security scanner: published npm package versions with
 * documented vulnerabilities, the file and line of the vulnerable sink, and the fixed version of the
 * same package with the line of the fixed spot. Every line was read in the real tarball
 * (`npm pack NAME@VERSION`); `snippet` is text that must appear on that line, so a wrong label
 * fails loudly instead of skewing the numbers. Third-party code is never committed: it is fetched
 * into bench/.cache at bench time (fetch-package.ts).
 */
import type { SecurityClass } from '../../agents/review/security/rules.js';

/** One labelled spot in one package version. */
export interface LabelledSpot {
  version: string;
  /** Path inside the package (the tarball's `package/` prefix removed). */
  file: string;
  /** 1-based line of the sink (vulnerable) or of the same spot after the fix. */
  line: number;
  /** Text that must appear on that line. */
  snippet: string;
}

/** One corpus case. */
export interface CorpusCase {
  pkg: string;
  /** Advisory ids (CVE / GHSA); `note` says when an id was not re-checked against the advisory. */
  advisory: string[];
  cls: SecurityClass;
  /** Other classes that also count as detecting this sink (e.g. code injection for an eval-based deserializer). */
  accept?: SecurityClass[];
  vulnerable: LabelledSpot;
  /** The fixed version's spot, or null when no fixed version exists. */
  fixed: LabelledSpot | null;
  note?: string;
}

const spot = (version: string, file: string, line: number, snippet: string): LabelledSpot => ({ version, file, line, snippet });

/** The corpus. */
export const CORPUS: readonly CorpusCase[] = [
  // ---------------------------------------------------------------- prototype pollution
  { pkg: 'set-value', advisory: ['CVE-2019-10747'], cls: 'prototype-pollution', vulnerable: spot('2.0.0', 'index.js', 46, 'current[key] = val;'), fixed: spot('2.0.1', 'index.js', 46, 'current[key] = val;') },
  { pkg: 'mixin-deep', advisory: ['CVE-2019-10746'], cls: 'prototype-pollution', vulnerable: spot('1.3.1', 'index.js', 34, 'this[key] = val;'), fixed: spot('1.3.2', 'index.js', 34, 'this[key] = val;'), note: '1.3.1 blocks __proto__ only; constructor.prototype still reaches Object.prototype' },
  { pkg: 'deep-extend', advisory: ['CVE-2018-3750'], cls: 'prototype-pollution', vulnerable: spot('0.5.0', 'lib/deep-extend.js', 137, 'target[key] = deepExtend(src, val);'), fixed: spot('0.5.1', 'lib/deep-extend.js', 143, 'target[key] = deepExtend(src, val);') },
  { pkg: 'dot-prop', advisory: ['CVE-2020-8116'], cls: 'prototype-pollution', vulnerable: spot('4.2.0', 'index.js', 70, 'obj[p] = value;'), fixed: spot('4.2.1', 'index.js', 88, 'obj[p] = value;') },
  { pkg: 'merge-deep', advisory: ['CVE-2021-26707'], cls: 'prototype-pollution', vulnerable: spot('3.0.2', 'index.js', 43, 'target[key] = merge(newVal, oldVal);'), fixed: spot('3.0.3', 'index.js', 43, 'target[key] = merge(newVal, oldVal);') },
  { pkg: 'defaults-deep', advisory: ['npm advisory: defaults-deep < 0.2.4'], cls: 'prototype-pollution', vulnerable: spot('0.2.3', 'index.js', 22, 'target[key] = value;'), fixed: null, note: 'the latest version (0.2.4) only blocks __proto__, so no fixed spot; advisory id not re-checked' },
  { pkg: 'minimist', advisory: ['CVE-2020-7598', 'CVE-2021-44906'], cls: 'prototype-pollution', vulnerable: spot('1.2.0', 'index.js', 78, 'o[key] = value;'), fixed: spot('1.2.6', 'index.js', 87, 'o[key] = value;'), note: '1.2.3 blocked __proto__ only and was bypassed; 1.2.6 is the complete fix' },
  { pkg: 'ini', advisory: ['CVE-2020-7788'], cls: 'prototype-pollution', vulnerable: spot('1.3.5', 'ini.js', 109, 'p[key] = value'), fixed: spot('1.3.6', 'ini.js', 116, 'p[key] = value') },
  { pkg: 'merge', advisory: ['CVE-2018-16469', 'CVE-2020-28499'], cls: 'prototype-pollution', vulnerable: spot('1.2.0', 'merge.js', 94, 'base[key] = extend[key];'), fixed: spot('2.1.1', 'lib/src/index.js', 61, 'base[key] ='), note: '1.2.1 blocked __proto__ only and was bypassed; 2.1.1 is the complete fix' },
  { pkg: 'assign-deep', advisory: ['CVE-2019-10745'], cls: 'prototype-pollution', vulnerable: spot('0.4.7', 'index.js', 46, 'target[key] = assign(target[key] || {}, val);'), fixed: spot('0.4.8', 'index.js', 46, 'target[key] = assign(target[key] || {}, val);'), note: 'advisory id not re-checked' },
  { pkg: 'flat', advisory: ['CVE-2020-36632'], cls: 'prototype-pollution', vulnerable: spot('5.0.0', 'index.js', 145, 'recipient[key1] = unflatten'), fixed: spot('5.0.1', 'index.js', 154, 'recipient[key1] = unflatten') },
  { pkg: 'object-path', advisory: ['CVE-2020-15256'], cls: 'prototype-pollution', vulnerable: spot('0.11.4', 'index.js', 110, 'obj[currentPath] = value;'), fixed: spot('0.11.5', 'index.js', 121, 'obj[currentPath] = value;') },

  // ---------------------------------------------------------------- command injection
  { pkg: 'growl', advisory: ['CVE-2017-16042'], cls: 'command-injection', vulnerable: spot('1.9.2', 'lib/growl.js', 289, "exec(args.join(' '), fn);"), fixed: spot('1.10.0', 'lib/growl.js', 299, 'spawn(cmd_to_exec, args)') },
  { pkg: 'macaddress', advisory: ['CVE-2018-13797'], cls: 'command-injection', vulnerable: spot('0.2.8', 'lib/linux.js', 4, 'exec("cat /sys/class/net/" + iface'), fixed: spot('0.2.9', 'lib/linux.js', 4, 'execFile("cat"'), note: 'advisory id not re-checked' },
  { pkg: 'open', advisory: ['npm advisory: open < 6.0.0 command injection'], cls: 'command-injection', vulnerable: spot('0.0.5', 'lib/open.js', 58, 'return exec(opener'), fixed: null, note: '6.0.0 is a rewrite on spawn with no corresponding spot; advisory id not re-checked' },
  { pkg: 'mversion', advisory: ['CVE-2020-7688'], cls: 'command-injection', vulnerable: spot('1.13.0', 'lib/git.js', 49, "'commit', '-m'"), fixed: spot('2.0.0', 'lib/git.js', 59, '"commit", "-m"') },
  { pkg: 'dns-sync', advisory: ['CVE-2017-16100'], cls: 'command-injection', vulnerable: spot('0.1.0', 'lib/dns-sync.js', 21, 'shell.exec(cmd'), fixed: spot('0.1.1', 'lib/dns-sync.js', 33, 'shell.exec(cmd'), note: 'advisory id not re-checked' },

  // ---------------------------------------------------------------- path traversal (zip slip)
  { pkg: 'adm-zip', advisory: ['CVE-2018-1002204'], cls: 'path-traversal', vulnerable: spot('0.4.7', 'adm-zip.js', 381, 'Utils.writeFileTo(pth.resolve(targetPath, entry.entryName'), fixed: spot('0.4.11', 'adm-zip.js', 437, 'Utils.writeFileTo(entryName, content, overwrite);') },
  { pkg: 'decompress', advisory: ['CVE-2020-12265'], cls: 'path-traversal', vulnerable: spot('4.2.0', 'index.js', 69, 'return fsP.writeFile(dest'), fixed: spot('4.2.1', 'index.js', 124, 'return fsP.writeFile(dest') },
  { pkg: 'unzipper', advisory: ['CVE-2018-1002203'], cls: 'path-traversal', vulnerable: spot('0.8.12', 'lib/extract.js', 21, 'path: path.join(opts.path,entry.path)'), fixed: spot('0.8.13', 'lib/extract.js', 30, 'path: extractPath') },

  // ---------------------------------------------------------------- code injection / deserialization
  { pkg: 'thenify', advisory: ['CVE-2020-7677'], cls: 'code-injection', vulnerable: spot('3.3.0', 'index.js', 17, 'return eval(createWrapper('), fixed: spot('3.3.1', 'index.js', 17, 'createWrapper') },
  { pkg: 'underscore', advisory: ['CVE-2021-23358'], cls: 'code-injection', vulnerable: spot('1.12.0', 'underscore.js', 915, 'render = new Function('), fixed: spot('1.12.1', 'underscore.js', 923, 'render = new Function(') },
  { pkg: 'node-serialize', advisory: ['CVE-2017-5941'], cls: 'insecure-deserialization', accept: ['code-injection'], vulnerable: spot('0.0.4', 'lib/serialize.js', 75, "eval('(' + obj[key].substring(FUNCFLAG.length) + ')')"), fixed: null, note: 'never fixed' },
  { pkg: 'cryo', advisory: ['CVE-2018-3784'], cls: 'insecure-deserialization', accept: ['code-injection'], vulnerable: spot('0.0.6', 'lib/cryo.js', 137, 'return new Function(args, body);'), fixed: null, note: 'never fixed' },

  // ---------------------------------------------------------------- ReDoS
  { pkg: 'moment', advisory: ['CVE-2017-18214'], cls: 'redos', vulnerable: spot('2.19.2', 'moment.js', 662, 'var matchWord = '), fixed: spot('2.19.3', 'moment.js', 662, 'var matchWord = ') },
  { pkg: 'trim', advisory: ['CVE-2020-7753'], cls: 'redos', vulnerable: spot('0.0.1', 'index.js', 5, "str.replace(/^\\s*|\\s*$/g, '')"), fixed: null, note: '0.0.3 replaces the regexes with loops: no corresponding spot' },
  { pkg: 'trim-newlines', advisory: ['CVE-2021-33623'], cls: 'redos', vulnerable: spot('3.0.0', 'index.js', 4, 'module.exports.end'), fixed: spot('3.0.1', 'index.js', 8, 'while (end > 0'), note: 'the fix rewrites .end() as a loop (line 8); the default export on line 2 keeps /[\r\n]+$/ in 3.0.1 and is still flagged, correctly' },
  { pkg: 'glob-parent', advisory: ['CVE-2020-28469'], cls: 'redos', vulnerable: spot('5.1.1', 'index.js', 9, 'var enclosure'), fixed: spot('5.1.2', 'index.js', 9, 'var enclosure') },
  { pkg: 'trim-off-newlines', advisory: ['CVE-2021-23425'], cls: 'redos', vulnerable: spot('1.0.1', 'index.js', 3, 'var regex = '), fixed: spot('1.0.3', 'index.js', 3, 'var regex = ') },
  { pkg: 'charset', advisory: ['CVE-2017-16098'], cls: 'redos', vulnerable: spot('1.0.0', 'lib/charset.js', 18, 'var CHARTSET_RE'), fixed: spot('1.0.1', 'index.js', 3, 'const CHARTSET_RE') },
  { pkg: 'ua-parser-js', advisory: ['CVE-2020-7793'], cls: 'redos', vulnerable: spot('0.7.22', 'src/ua-parser.js', 359, 'mobile\\/\\w+\\s(safari)/i'), fixed: spot('0.7.23', 'src/ua-parser.js', 365, 'mobile\\/\\w+\\s(safari)/i') },
  { pkg: 'hosted-git-info', advisory: ['CVE-2021-23362'], cls: 'redos', vulnerable: spot('2.8.8', 'index.js', 44, 'var shortcutMatch'), fixed: spot('2.8.9', 'index.js', 44, 'var shortcutMatch') },
  { pkg: 'color-string', advisory: ['CVE-2021-29060'], cls: 'redos', vulnerable: spot('1.5.4', 'index.js', 153, 'var hwb = '), fixed: null, note: '1.5.5 bounds the digits but keeps \\s*(…)?(?:deg)?\\s* on the same line, which is still quadratic on a run of spaces and is flagged: the line cannot serve as a fixed spot' },
];

/** Popular packages without open advisories, for findings per 1,000 lines at default severity. */
export const CLEAN_PACKAGES: readonly { pkg: string; version: string; dirs?: string[] }[] = [
  { pkg: 'express', version: '4.21.2' },
  { pkg: 'lodash', version: '4.17.21' },
  { pkg: 'commander', version: '12.1.0' },
  { pkg: 'debug', version: '4.4.0' },
  { pkg: 'axios', version: '1.7.9', dirs: ['lib'] },
  { pkg: 'moment', version: '2.30.1', dirs: ['src'] },
  { pkg: 'semver', version: '7.6.3' },
  { pkg: 'body-parser', version: '1.20.3' },
  { pkg: 'qs', version: '6.13.0', dirs: ['lib'] },
  { pkg: 'ws', version: '8.18.0', dirs: ['lib'] },
  { pkg: 'yargs', version: '17.7.2', dirs: ['build'] },
  { pkg: 'async', version: '3.2.6', dirs: ['dist'] },
];
